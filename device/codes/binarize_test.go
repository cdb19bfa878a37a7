package codes

import (
	"math/rand/v2"
	"testing"
)

// colMinByBytes is colMin as it was, a byte at a time: the reference.
func colMinByBytes(plane, pre, suf []uint8, w, h, half int) {
	k := 2*half + 1
	at := func(b []uint8, y int) []uint8 { return b[y*w : (y+1)*w] }
	for start := 0; start < h; start += k {
		end := min(start+k, h)
		copy(at(pre, start), at(plane, start))
		for y := start + 1; y < end; y++ {
			p, q, r := at(pre, y), at(pre, y-1), at(plane, y)
			for x := range p {
				p[x] = min(q[x], r[x])
			}
		}
		copy(at(suf, end-1), at(plane, end-1))
		for y := end - 2; y >= start; y-- {
			s, q, r := at(suf, y), at(suf, y+1), at(plane, y)
			for x := range s {
				s[x] = min(q[x], r[x])
			}
		}
	}
	for y := 0; y < h; y++ {
		sa, pb, o := at(suf, max(0, y-half)), at(pre, min(h-1, y+half)), at(plane, y)
		for x := range o {
			o[x] = min(sa[x], pb[x])
		}
	}
}

// colMin eight lanes at a time is colMin a byte at a time, on planes of
// every width round a multiple of eight, flat, noisy and of two levels,
// with windows from one to past the height; and minBytes and maxBytes are
// min and max on every pair of bytes in every lane.
func TestColMinIsByteByByte(t *testing.T) {
	for a := 0; a < 256; a++ {
		for b := 0; b < 256; b++ {
			for lane := 0; lane < 8; lane++ {
				x, y := uint64(a)<<(8*lane)|0x5a<<(8*((lane+1)%8)), uint64(b)<<(8*lane)|0xa5<<(8*((lane+1)%8))
				if got := byte(minBytes(x, y) >> (8 * lane)); got != min(byte(a), byte(b)) {
					t.Fatalf("minBytes lane %d of %d, %d: %d", lane, a, b, got)
				}
				if got := byte(maxBytes(x, y) >> (8 * lane)); got != max(byte(a), byte(b)) {
					t.Fatalf("maxBytes lane %d of %d, %d: %d", lane, a, b, got)
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(6, 6))
	for n := 0; n < 400; n++ {
		w, h := 1+rng.IntN(40), 1+rng.IntN(30)
		half := 1 + rng.IntN(h+2)
		plane := make([]uint8, w*h)
		for i := range plane {
			switch n % 3 {
			case 0:
				plane[i] = uint8(rng.IntN(256))
			case 1:
				plane[i] = uint8(200 + rng.IntN(3))
			default:
				plane[i] = uint8(255 * rng.IntN(2))
			}
		}
		want := append([]uint8(nil), plane...)
		colMinByBytes(want, make([]uint8, w*h), make([]uint8, w*h), w, h, half)
		got := append([]uint8(nil), plane...)
		colMin(got, make([]uint8, w*h), make([]uint8, w*h), w, h, half)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%dx%d, half %d: at %d,%d %d, byte by byte %d", w, h, half, i%w, i/w, got[i], want[i])
			}
		}
	}
}
