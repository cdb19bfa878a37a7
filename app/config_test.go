package app

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"codepay/app/center"
	"codepay/device/codes"
)

func TestSettingsFlagsWinAndBadValuesNameTheField(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "codepay.toml")
	os.WriteFile(cfg, []byte("[terminal]\nid = \"T0042\"\n[pos]\nport = \"/dev/ttyS0\"\nbaud = 9600\n"), 0o600)
	s, err := ParseSettings([]string{"--config", cfg, "--baud", "19200", "--data", dir}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Terminal.ID != "T0042" || s.POS.Port != "/dev/ttyS0" || s.POS.Baud != 19200 {
		t.Errorf("settings %+v", s)
	}
	for body, field := range map[string]string{
		"[pos]\nbaud = 12345\n":                    "pos.baud",
		"[terminal]\ncapacity = 0\n":               "terminal.capacity",
		"[terminal]\nid = \"bad id!\"\n":           "terminal.id",
		"[camera]\nsource = \"webcam\"\n":          "camera.source",
		"[center]\nurl = \"http://example.com\"\n": "center.url",
		"[center]\nurl = \"https://gw.example\"\n": "center.api_key",
		"[pos]\nspeed = 9600\n":                    "pos.speed",
		"[pos\n":                                   "line ",
	} {
		os.WriteFile(cfg, []byte(body), 0o600)
		_, err := ParseSettings([]string{"--config", cfg, "--data", dir}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%q: error %v does not name %s", body, err, field)
		}
	}
	if _, err := ParseSettings([]string{"--baud", "300"}, &bytes.Buffer{}); err == nil {
		t.Error("--baud 300 accepted")
	}
}

func TestConfigWithSecretsMustBePrivate(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "codepay.toml")
	os.WriteFile(cfg, []byte("[center]\nurl = \"https://gw.example\"\napi_key = \"k\"\napi_secret = \"topsecret\"\n"), 0o644)
	_, err := ParseSettings([]string{"--config", cfg, "--data", dir}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a world-readable secret was accepted: %v", err)
	}
	os.Chmod(cfg, 0o600)
	if _, err := ParseSettings([]string{"--config", cfg, "--data", dir}, &bytes.Buffer{}); err != nil {
		t.Fatalf("mode 600: %v", err)
	}
}

// A full run's logs (terminal, client, simulator) hold no customer code
// in clear and no secret.
func TestLogsOfAFullRunHideCodesAndSecrets(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return buf.Write(p) })
	log := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r := newRig(t, center.SimOptions{Log: log, UnsettledFor: time.Second})
	r.term.cfg.Log = log
	var used []string
	for _, sc := range []string{"ok", "lost", "insufficient", "unsettled", "ok"} {
		used = append(used, r.hold("PayPay", sc, codes.QR))
		r.req(`{"op":"payment","amount":300}`)
		r.term.Dismiss()
	}
	r.req(`{"op":"refund","slipNo":"00001","confirm":false}`)
	r.req(`{"op":"daily_total"}`)
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	if out == "" {
		t.Fatal("nothing was logged")
	}
	for _, c := range used {
		if strings.Contains(out, c) {
			t.Errorf("a customer code is in the log in clear: %s", c)
		}
	}
	if strings.Contains(out, "secret1") {
		t.Error("the API secret is in the log")
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// The center secret need not be on the command line (where ps shows it):
// the environment or a private file gives it; a file others can read is
// refused with a line naming it.
func TestCenterSecretFromEnvironmentOrFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("CODEPAY_CENTER_SECRET", "from-env")
	s, err := ParseSettings([]string{"--center", "https://gw.example.jp", "--center-key", "k", "--data", dir}, io.Discard)
	if err != nil || s.Center.APISecret != "from-env" {
		t.Fatalf("env: %q %v", s.Center.APISecret, err)
	}
	f := filepath.Join(dir, "secret")
	os.WriteFile(f, []byte("from-file\n"), 0o600)
	s, err = ParseSettings([]string{"--center", "https://gw.example.jp", "--center-key", "k", "--center-secret-file", f, "--data", dir}, io.Discard)
	if err != nil || s.Center.APISecret != "from-file" {
		t.Fatalf("file: %q %v", s.Center.APISecret, err)
	}
	os.Chmod(f, 0o644)
	if _, err := ParseSettings([]string{"--center", "https://gw.example.jp", "--center-key", "k", "--center-secret-file", f, "--data", dir}, io.Discard); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a readable secret file: %v", err)
	}
}
