package center

import "testing"

// The test vector of center-api.md section 1 (PayPay's published example).
func TestSigningVector(t *testing.T) {
	body := []byte(`{"sampleRequestBodyKey1":"sampleRequestBodyValue1","sampleRequestBodyKey2":"sampleRequestBodyValue2"}`)
	ct := "application/json;charset=UTF-8;"
	bh := BodyHash(ct, body)
	if bh != "1j0FnY4flNp5CtIKa7x9MQ==" {
		t.Fatalf("bodyHash = %s", bh)
	}
	mac := MAC("APIKeySecretGenerated", "/v2/codes", "POST", "acd028", 1579843452, ct, bh)
	if mac != "NW1jKIMnzR7tEhMWtcJcaef+nFVBt7jjAGcVuxHhchc=" {
		t.Fatalf("mac = %s", mac)
	}
	h := AuthHeader("APIKeyGenerated", "APIKeySecretGenerated", "/v2/codes", "POST", "acd028", 1579843452, ct, body)
	f, err := parseAuth(h)
	if err != nil || f.key != "APIKeyGenerated" || f.mac != mac || f.bodyHash != bh || f.epoch != 1579843452 {
		t.Fatalf("parse %q: %+v %v", h, f, err)
	}
}
