package codes

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
)

// rawQR draws a QR code of the given bytes in byte mode with no ECI: each
// byte travels as one ISO-8859-1 character, which the encoder writes as
// that byte (as the phones and printers that never write an ECI do).
func rawQR(t *testing.T, raw []byte) *image.Gray {
	t.Helper()
	runes := make([]rune, len(raw))
	for i, b := range raw {
		runes[i] = rune(b)
	}
	// gozxing's default byte-mode encoding is UTF-8 (ZXing's is
	// ISO-8859-1); with ISO-8859-1 as the default and no hint, each rune
	// is written as its byte and no ECI is added.
	saved := encoder.Encoder_DEFAULT_BYTE_MODE_ENCODING
	encoder.Encoder_DEFAULT_BYTE_MODE_ENCODING = charmap.ISO8859_1
	defer func() { encoder.Encoder_DEFAULT_BYTE_MODE_ENCODING = saved }()
	return drawQR(t, string(runes), nil)
}

func drawQR(t *testing.T, text string, hints map[gozxing.EncodeHintType]interface{}) *image.Gray {
	t.Helper()
	if hints == nil {
		hints = map[gozxing.EncodeHintType]interface{}{}
	}
	hints[gozxing.EncodeHintType_MARGIN] = 4
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 300, 300, hints)
	if err != nil {
		t.Fatal(err)
	}
	return matrixImage(m)
}

// A code's text comes back as it was written, in any of the character
// sets codes use, with or without an ECI designator.
func TestCharacterSetsAndECI(t *testing.T) {
	sjis := func(s string) []byte {
		b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	latin1 := func(s string) []byte {
		b, err := charmap.ISO8859_1.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, c := range []struct {
		name, want string
		img        func() *image.Gray
	}{
		{"Shift_JIS half-width katakana, no ECI", "ｺｰﾄﾞｹｯｻｲ ﾃｽﾄ 1234", func() *image.Gray { return rawQR(t, sjis("ｺｰﾄﾞｹｯｻｲ ﾃｽﾄ 1234")) }},
		{"Shift_JIS kanji and kana, no ECI", "コード決済の店 ﾚｼﾞ2", func() *image.Gray { return rawQR(t, sjis("コード決済の店 ﾚｼﾞ2")) }},
		{"UTF-8, no ECI", "コード決済 café", func() *image.Gray { return rawQR(t, []byte("コード決済 café")) }},
		{"ISO-8859-1, no ECI", "Café Zürich Größe", func() *image.Gray { return rawQR(t, latin1("Café Zürich Größe")) }},
		{"UTF-8 with ECI", "ｺｰﾄﾞ決済テスト €", func() *image.Gray {
			return drawQR(t, "ｺｰﾄﾞ決済テスト €", map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_CHARACTER_SET: "UTF-8"})
		}},
		{"Shift_JIS with ECI", "ｺｰﾄﾞｹｯｻｲ", func() *image.Gray {
			return drawQR(t, "ｺｰﾄﾞｹｯｻｲ", map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_CHARACTER_SET: "Shift_JIS"})
		}},
		{"ASCII payment code", "281012345678901234567890", func() *image.Gray { return rawQR(t, []byte("281012345678901234567890")) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := NewReader().Decode(c.img())
			if err != nil {
				t.Fatalf("not read: %v", err)
			}
			if res.Text != c.want {
				t.Fatalf("read %q, want %q", res.Text, c.want)
			}
		})
	}
}
