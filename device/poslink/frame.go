// Package poslink is the terminal's side of the POS serial protocol
// (docs/pos-protocol.md): framing, CRC, ACK/NAK/ENQ, time-outs, resends
// and sequence de-duplication, over any byte stream, plus the serial port
// with re-opening.
package poslink

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Control bytes.
const (
	STX = 0x02
	ETX = 0x03
	ENQ = 0x05
	ACK = 0x06
	NAK = 0x15
)

// MaxBody is the largest BODY (LEN "2000").
const MaxBody = 0x2000

// SeqRoom is what the session adds to a body: `{"seq":999999,`.
const SeqRoom = 16

// CRC16 is CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no xorout.
func CRC16(data []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, b := range data {
		crc ^= uint16(b) << 8
		for i := 0; i < 8; i++ {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

// Encode builds a frame: STX LEN BODY ETX CRC.
func Encode(body []byte) ([]byte, error) {
	if len(body) > MaxBody {
		return nil, fmt.Errorf("poslink: body of %d bytes is over %d", len(body), MaxBody)
	}
	f := make([]byte, 0, len(body)+10)
	f = append(f, STX)
	f = fmt.Appendf(f, "%04X", len(body))
	f = append(f, body...)
	f = append(f, ETX)
	f = fmt.Appendf(f, "%04X", CRC16(f[1:]))
	return f, nil
}

// errBadBody means a frame arrived intact but its body breaks the rules.
var errBadBody = errors.New("body is not one JSON object of printable UTF-8")

// checkBody applies the BODY rules: one JSON object (not null, not an
// array) in valid UTF-8, no control byte other than TAB, LF and CR.
// encoding/json alone would take null as an empty object and replace
// invalid UTF-8 silently, so both are checked first.
func checkBody(b []byte) error {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return errBadBody
		}
	}
	if !utf8.Valid(b) {
		return errBadBody
	}
	if t := bytes.TrimSpace(b); len(t) == 0 || t[0] != '{' {
		return errBadBody
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(b, &obj) != nil || obj == nil {
		return errBadBody
	}
	return nil
}

func isHex(c byte) bool { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') }

func hexVal(b []byte) int {
	n := 0
	for _, c := range b {
		n <<= 4
		if c <= '9' {
			n |= int(c - '0')
		} else {
			n |= int(c-'A') + 10
		}
	}
	return n
}

// parser turns bytes into frames and control bytes.
type parser struct {
	state  int
	buf    []byte // LEN, BODY, ETX, CRC as received
	length int
}

const (
	stHunt = iota
	stLen
	stBody
	stETX
	stCRC
)

// token is what the parser found.
type token int

const (
	tokNone  token = iota
	tokFrame       // a good frame: body()
	tokBad         // a damaged frame: NAK it
	tokACK
	tokNAK
	tokENQ
)

func (p *parser) reset() { p.state, p.buf, p.length = stHunt, p.buf[:0], 0 }

// inFrame tells whether a frame is partly received.
func (p *parser) inFrame() bool { return p.state != stHunt }

func (p *parser) body() []byte { return p.buf[4 : 4+p.length] }

// feed takes one byte.
func (p *parser) feed(c byte) token {
	switch p.state {
	case stHunt:
		switch c {
		case STX:
			p.state, p.buf = stLen, p.buf[:0]
		case ACK:
			return tokACK
		case NAK:
			return tokNAK
		case ENQ:
			return tokENQ
		}
		return tokNone
	case stLen:
		if !isHex(c) {
			p.reset()
			if c == STX {
				p.state = stLen
			}
			return tokBad
		}
		p.buf = append(p.buf, c)
		if len(p.buf) == 4 {
			p.length = hexVal(p.buf)
			if p.length > MaxBody {
				p.reset()
				return tokBad
			}
			p.state = stBody
			if p.length == 0 {
				p.state = stETX
			}
		}
	case stBody:
		p.buf = append(p.buf, c)
		if len(p.buf) == 4+p.length {
			p.state = stETX
		}
	case stETX:
		if c != ETX {
			p.reset()
			if c == STX {
				p.state = stLen
			}
			return tokBad
		}
		p.buf = append(p.buf, c)
		p.state = stCRC
	case stCRC:
		p.buf = append(p.buf, c)
		if len(p.buf) == 4+p.length+1+4 {
			crc := p.buf[len(p.buf)-4:]
			p.state = stHunt
			ok := isHex(crc[0]) && isHex(crc[1]) && isHex(crc[2]) && isHex(crc[3]) &&
				uint16(hexVal(crc)) == CRC16(p.buf[:len(p.buf)-4]) && checkBody(p.body()) == nil
			if ok {
				return tokFrame
			}
			return tokBad
		}
	}
	return tokNone
}
