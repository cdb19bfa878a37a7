package codes

import (
	"fmt"
	"image"
	"image/draw"
	_ "image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"codepay/device/codes/codestest"
)

const photos = "../../testdata/codes"

func loadSet(tb testing.TB, set string) ([]*image.Gray, []string) {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join(photos, set, "*.png"))
	sort.Strings(files)
	var imgs []*image.Gray
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			tb.Fatal(err)
		}
		img, _, err := image.Decode(fh)
		fh.Close()
		if err != nil {
			tb.Fatal(err)
		}
		g := image.NewGray(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
		draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
		imgs = append(imgs, g)
	}
	return imgs, files
}

func TestIdentifyBrands(t *testing.T) {
	cases := []struct{ text, brand string }{
		{"900081818800123456789012", "PayPay"},
		{"9000000200123456789012", "d払い"},
		{EncodeJPQR("90000002", "9000000200123456789012"), "d払い"},
		{"3158992100123456789", "au PAY"},
		{"9000010012345678", "楽天ペイ"},
		{"130012345678901234", "WeChat Pay"},
		{"280012345678901234", "Alipay+"},
		{"6200123456789012345", "UnionPay"},
	}
	for _, c := range cases {
		b, _, err := Identify(c.text)
		if err != nil || b.Name != c.brand {
			t.Errorf("Identify(%q) = %q %v, want %q", c.text, b.Name, err, c.brand)
		}
	}
	for _, bad := range []string{"4901234567894", "https://example.com", "", "hQVKUFFSnotbase64!", "90008181880012345"} {
		if _, _, err := Identify(bad); err == nil {
			t.Errorf("Identify(%q) accepted a non-payment code", bad)
		}
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	r := NewReader()
	for _, f := range []Format{QR, Code128} {
		for _, text := range []string{"900081818800123456789012", EncodeJPQR("31589921", "3158992100123456789")} {
			if f == Code128 && strings.HasPrefix(text, "hQ") {
				continue
			}
			img, err := Encode(text, f, 300)
			if err != nil {
				t.Fatal(err)
			}
			res, err := r.Decode(img)
			if err != nil || res.Text != text || res.Format != f {
				t.Errorf("%s %q: got %+v %v", f, text, res, err)
			}
		}
	}
}

func TestCode128FNC4IsValidUTF8(t *testing.T) {
	imgs, files := loadSet(t, "code128-1")
	r := NewReader()
	for i, g := range imgs {
		res, err := r.Decode(g)
		if err != nil {
			t.Errorf("%s: %v", files[i], err)
			continue
		}
		want, _ := os.ReadFile(strings.TrimSuffix(files[i], ".png") + ".txt")
		if res.Text != string(want) {
			t.Errorf("%s: %q, want %q", files[i], res.Text, want)
		}
	}
}

func TestCorruptAndEmptyFrames(t *testing.T) {
	r := NewReader()
	for _, g := range []*image.Gray{image.NewGray(image.Rect(0, 0, 640, 480)), image.NewGray(image.Rect(0, 0, 1, 1)), image.NewGray(image.Rect(0, 0, 0, 0))} {
		if _, err := r.Decode(g); err == nil {
			t.Errorf("decoded something from an empty %v frame", g.Rect)
		}
	}
}

// BenchmarkDecodeRealPhotos is the time per photo over each set of real
// photos (failures included), one core.
func BenchmarkDecodeRealPhotos(b *testing.B) {
	for _, set := range []string{"qrcode-1", "qrcode-3", "qrcode-5", "code128-1", "falsepositives-2"} {
		imgs, _ := loadSet(b, set)
		b.Run(set, func(b *testing.B) {
			r := NewReader()
			var per []time.Duration
			for b.Loop() {
				for _, g := range imgs {
					start := time.Now()
					r.Decode(g)
					per = append(per, time.Since(start))
				}
			}
			sort.Slice(per, func(i, j int) bool { return per[i] < per[j] })
			b.ReportMetric(float64(per[len(per)/2].Microseconds())/1000, "median-ms")
			b.ReportMetric(float64(per[len(per)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}

// Clean, generated codes (screenshots, gencode) must always read. These
// texts made gozxing take a run of data modules for a finder pattern.
func TestCleanCodesAlwaysRead(t *testing.T) {
	texts := []string{
		"hQVKUFFSMWESTwQxWJkAVwoxWJkAAHRRMRgf", "hQVKUFFSMWESTwQxWJkAVwoxWJkAABZyN3hP",
		"hQVKUFFSMWESTwQxWJkAVwoxWJkAACRQIzIP", "hQVKUFFSMWESTwQxWJkAVwoxWJkAAJCQOTSf",
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 500; i++ {
		digits := "3158990000"
		for len(digits) < 19 {
			digits += string(rune('0' + rng.IntN(10)))
		}
		texts = append(texts, EncodeJPQR("31589900", digits))
	}
	r := NewReader()
	for _, text := range texts {
		img, err := Encode(text, QR, 300)
		if err != nil {
			t.Fatal(err)
		}
		if res, err := r.Decode(img); err != nil || res.Text != text {
			t.Errorf("%q: %v %q", text, err, res.Text)
		}
	}
}

// photoSets are the real photos of testdata/codes with the formats a
// reader of each is set to, and the fewest that must read (today's
// figures; they only go up). For the set with no code, the floor is of
// photos left unread.
var photoSets = []struct {
	set     string
	formats []Format
	floor   int
}{
	{"qrcode-1", DefaultFormats, 20},
	{"qrcode-3", DefaultFormats, 42},
	{"qrcode-5", DefaultFormats, 19},
	{"code128-1", DefaultFormats, 7},
	{"ean13-1", []Format{EAN13}, 32},
	{"itf-1", []Format{ITF}, 14},
	{"falsepositives-2", DefaultFormats, 25},
}

// TestRealPhotoSets reads each set of real photos as stills, with zxing-cpp
// beside it when `make bench` runs the peer.
func TestRealPhotoSets(t *testing.T) {
	for _, ps := range photoSets {
		r := NewReader(ps.formats...)
		imgs, files := loadSet(t, ps.set)
		var all []image.Image
		var want []string
		read, wrong, some := 0, 0, 0
		for i, g := range imgs {
			w, _ := os.ReadFile(strings.TrimSuffix(files[i], ".png") + ".txt")
			all, want = append(all, g), append(want, string(w))
			res, err := r.Decode(g)
			switch {
			case err != nil:
			case res.Text == string(w):
				read++
			default:
				some++
				if len(w) > 0 {
					wrong++
					t.Errorf("%s: wrong text %q", files[i], res.Text)
				}
			}
		}
		texts, ok := codestest.PeerRead(t, all, peerFormats(ps.formats))
		peer, peerWrong := codestest.PeerScore(want, texts, ok)
		name := fmt.Sprintf("testdata/codes/%s (%s)", ps.set, peerFormats(ps.formats))
		if strings.HasPrefix(ps.set, "falsepositives") {
			read = len(imgs) - some
			if ok {
				peer = len(imgs) - peerWrong
				peerWrong = 0
			}
			name = fmt.Sprintf("testdata/codes/%s: photos with no code left unread", ps.set)
		}
		t.Logf("%s: %d of %d", name, read, len(imgs))
		codestest.RecordVs(t.Name(), name, read, len(imgs), ps.floor, peer, peerWrong)
		if read < ps.floor {
			t.Errorf("%s: %d, the floor is %d", name, read, ps.floor)
		}
	}
}

// A still tries Code128 as hard as ZXing's TRY_HARDER does: a barcode on
// its side (a phone held upright) and one in a narrow band away from the
// middle rows read. ZXing's default 15 rows and no turn read neither.
func TestCode128OnItsSideAndOffCentreReadsAsAStill(t *testing.T) {
	text := "900081818800123456789012"
	bar, err := Encode(text, Code128, 400)
	if err != nil {
		t.Fatal(err)
	}
	g := image.NewGray(bar.Bounds())
	draw.Draw(g, g.Rect, bar, bar.Bounds().Min, draw.Src)
	// A band 40 px high near the top of a 480 px high white frame.
	band := image.NewGray(image.Rect(0, 0, g.Rect.Dx()+40, 480))
	for i := range band.Pix {
		band.Pix[i] = 255
	}
	draw.Draw(band, image.Rect(20, 30, 20+g.Rect.Dx(), 70), g, image.Point{}, draw.Src)
	for _, c := range []struct {
		name string
		img  *image.Gray
	}{{"on its side", rotateRight(g, 1)}, {"a band near the top", band}} {
		res, err := NewReader().Decode(c.img)
		if err != nil || res.Text != text || res.Format != Code128 {
			t.Errorf("%s: %q %v", c.name, res.Text, err)
		}
	}
}

// EAN-13 and ITF on a still: a barcode on its side reads, and a turned
// one never gives a wrong number. ITF has no check digit, and a row that
// crosses a turned ITF's bars diagonally and leaves by their ends reads a
// shorter number: at 15°, ZXing's one row read 6 of the 14 real ITF
// photos wrong so. A wrong number is worse than none.
func TestTurned1DCodesReadRightOrNotAtAll(t *testing.T) {
	for _, set := range []struct {
		name   string
		format Format
	}{{"ean13-1", EAN13}, {"itf-1", ITF}} {
		imgs, files := loadSet(t, set.name)
		r := NewReader(set.format)
		sideways := 0
		for i, g := range imgs {
			want, _ := os.ReadFile(strings.TrimSuffix(files[i], ".png") + ".txt")
			for _, turn := range []struct {
				name string
				img  *image.Gray
			}{{"on its side", rotateRight(g, 1)}, {"at 15°", rotateBy(g, 15)}, {"at 45°", rotateBy(g, 45)}} {
				res, err := r.Decode(turn.img)
				if err == nil && res.Text != string(want) {
					t.Errorf("%s %s: wrong text %q, want %q", files[i], turn.name, res.Text, want)
				}
				if err == nil && turn.name == "on its side" {
					sideways++
				}
			}
		}
		// Today's figures (upright: 31 and 14): they only go up.
		if floor := map[string]int{"ean13-1": 29, "itf-1": 14}[set.name]; sideways < floor {
			t.Errorf("%s on its side: %d read, the floor is %d", set.name, sideways, floor)
		}
	}
}
