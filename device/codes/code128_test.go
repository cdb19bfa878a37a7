package codes

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// startPixelByPixel is the start-pattern search of gozxing's Code128
// reader as it runs, a pixel at a time: the reference hasCode128Start
// must agree with.
func startPixelByPixel(row *gozxing.BitArray) bool {
	width := row.GetSize()
	offset := row.GetNextSet(0)
	counters := make([]int, 6)
	pos, start, white := 0, offset, false
	for i := offset; i < width; i++ {
		if row.Get(i) != white {
			counters[pos]++
			continue
		}
		if pos == 5 {
			best := -1
			bestVariance := 0.25
			for s, p := range code128Starts {
				if v := oned.PatternMatchVariance(counters, p, 0.7); v < bestVariance {
					bestVariance, best = v, s
				}
			}
			if best >= 0 {
				if quiet, _ := row.IsRange(max(0, start-(i-start)/2), start, false); quiet {
					return true
				}
			}
			start += counters[0] + counters[1]
			copy(counters, counters[2:6])
			counters[4], counters[5] = 0, 0
			pos--
		} else {
			pos++
		}
		counters[pos] = 1
		white = !white
	}
	return false
}

// code128Rows are binarized rows of every kind: the real photos (codes,
// barcodes, none) as they are, inverted and turned, generated payment
// barcodes (clean, small, noisy), and random rows.
func code128Rows(t *testing.T) []*gozxing.BitArray {
	var imgs []*image.Gray
	for _, set := range []string{"qrcode-1", "qrcode-3", "code128-1", "ean13-1", "itf-1", "falsepositives-2"} {
		g, _ := loadSet(t, set)
		imgs = append(imgs, g...)
	}
	rng := rand.New(rand.NewPCG(12, 8))
	for i := 0; i < 12; i++ {
		code, err := Encode(paymentText(rng, 0), Code128, 200+40*i)
		if err != nil {
			t.Fatal(err)
		}
		imgs = append(imgs, code, noisy(code, 30, rng), scaled(code, 0.5))
	}
	var rows []*gozxing.BitArray
	for i, g := range imgs {
		for _, im := range []*image.Gray{g, inverted(g), turned(g)} {
			src, err := luminance(im)
			if err != nil {
				t.Fatal(err)
			}
			bin := newHybrid(src)
			for y := i % 3; y < im.Rect.Dy(); y += 3 {
				row, err := bin.GetBlackRow(y, nil)
				if err == nil {
					rows = append(rows, row)
				}
			}
		}
	}
	for i := 0; i < 3000; i++ {
		row := gozxing.NewBitArray(1 + rng.IntN(700))
		for x, p := 0, 0.1+0.8*rng.Float64(); x < row.GetSize(); x++ {
			if rng.Float64() < p {
				row.Set(x)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// The run-at-a-time search finds a start pattern on exactly the rows
// where gozxing's pixel-by-pixel one does, both ways; where it finds none,
// gozxing's DecodeRow reads nothing, so skipping the row loses no read.
func TestCode128StartIsGozxings(t *testing.T) {
	reader := oned.NewCode128Reader().(oned.RowDecoder)
	var runs []int
	rows, starts, reads := 0, 0, 0
	for _, row := range code128Rows(t) {
		for dir := 0; dir < 2; dir++ {
			if dir == 1 {
				row.Reverse()
			}
			rows++
			var got bool
			runs, got = hasCode128Start(row, runs)
			if want := startPixelByPixel(row); got != want {
				t.Fatalf("row of %d: start pattern %v, gozxing's search %v", row.GetSize(), got, want)
			}
			res, err := reader.DecodeRow(0, row, nil)
			if err == nil && res != nil {
				reads++
				if !got {
					t.Fatalf("row of %d: no start pattern, and gozxing read %q", row.GetSize(), res.GetText())
				}
			}
			if got {
				starts++
			}
		}
	}
	t.Logf("%d rows: %d with a start pattern, %d read", rows, starts, reads)
	if reads < 100 || starts == rows {
		t.Fatalf("the rows test too little: %d read, %d of %d with a start pattern", reads, starts, rows)
	}
}
