// Package center speaks the payment-center API (an OPA-compatible gateway):
// the terminal's client and the simulator that the demo and the tests run.
package center

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ContentTypeJSON is the content type the client sends with a body.
const ContentTypeJSON = "application/json;charset=UTF-8;"

// BodyHash is Base64(MD5(contentType + body)), or "empty" for a request
// without a body.
func BodyHash(contentType string, body []byte) string {
	if len(body) == 0 {
		return "empty"
	}
	h := md5.New()
	h.Write([]byte(contentType))
	h.Write(body)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// MAC is the request signature of center-api.md section 1.
func MAC(secret, path, method, nonce string, epoch int64, contentType, bodyHash string) string {
	if bodyHash == "empty" {
		contentType = "empty"
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(path + "\n" + method + "\n" + nonce + "\n" + strconv.FormatInt(epoch, 10) + "\n" + contentType + "\n" + bodyHash))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// AuthHeader builds the Authorization header value.
func AuthHeader(key, secret, path, method, nonce string, epoch int64, contentType string, body []byte) string {
	bh := BodyHash(contentType, body)
	return fmt.Sprintf("hmac OPA-Auth:%s:%s:%s:%d:%s", key, MAC(secret, path, method, nonce, epoch, contentType, bh), nonce, epoch, bh)
}

// authFields are the parts of an Authorization header.
type authFields struct {
	key, mac, nonce, bodyHash string
	epoch                     int64
}

func parseAuth(h string) (authFields, error) {
	const prefix = "hmac OPA-Auth:"
	if !strings.HasPrefix(h, prefix) {
		return authFields{}, errors.New("no OPA-Auth header")
	}
	// The MAC and body hash are Base64 and never contain ':'.
	p := strings.Split(strings.TrimPrefix(h, prefix), ":")
	if len(p) != 5 {
		return authFields{}, errors.New("OPA-Auth header needs 5 fields")
	}
	epoch, err := strconv.ParseInt(p[3], 10, 64)
	if err != nil {
		return authFields{}, errors.New("OPA-Auth epoch is not a number")
	}
	return authFields{key: p[0], mac: p[1], nonce: p[2], epoch: epoch, bodyHash: p[4]}, nil
}
