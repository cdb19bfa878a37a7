package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"codepay/app"
	"codepay/device/sound"
)

// TestMain doubles as the codepay command: with CODEPAY_AS_MAIN set, the
// test binary runs main() with its arguments, so a test can run the real
// command in a chosen environment.
func TestMain(m *testing.M) {
	if os.Getenv("CODEPAY_AS_MAIN") == "1" {
		os.Args = append([]string{"codepay"}, os.Args[1:]...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runCodepay runs the command with only the environment given.
func runCodepay(t *testing.T, env []string, args ...string) (stderr string, code int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append([]string{"CODEPAY_AS_MAIN=1", "PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return errb.String(), code
}

// Without a display the terminal says so in one line and exits 1: no
// GLFW panic, no stack trace.
func TestNoDisplayIsOneLineAndExit1(t *testing.T) {
	for _, display := range []string{"", ":87"} {
		env := []string{"LANG=ja_JP.UTF-8"}
		if display != "" {
			env = append(env, "DISPLAY="+display)
		}
		out, code := runCodepay(t, env, "--data", t.TempDir())
		if code != 1 || strings.Count(strings.TrimSpace(out), "\n") != 0 || !strings.Contains(out, "display") || !strings.Contains(out, "Xvfb") {
			t.Errorf("DISPLAY=%q: exit %d, stderr:\n%s", display, code, out)
		}
	}
}

// Under the C or POSIX locales, commands that open no window print no
// Fyne locale noise.
func TestNoLocaleNoiseUnderC(t *testing.T) {
	for _, lang := range []string{"C", "C.UTF-8", "POSIX"} {
		out, code := runCodepay(t, []string{"LANG=" + lang}, "gencode", "-o", t.TempDir()+"/c.png")
		if code != 0 {
			t.Errorf("LANG=%s: gencode exit %d: %s", lang, code, out)
		}
		if strings.Contains(out, "Fyne") || strings.Contains(out, "locale") {
			t.Errorf("LANG=%s: exit %d, stderr:\n%s", lang, code, out)
		}
	}
}

func TestToneForEachChangeOfScreen(t *testing.T) {
	for _, c := range []struct {
		prev, next app.Phase
		tone       sound.Tone
		ok         bool
	}{
		{app.PhaseWaitingCode, app.PhaseProcessing, sound.Read, true},
		{app.PhaseProcessing, app.PhaseDone, sound.Done, true},
		{app.PhaseProcessing, app.PhaseError, sound.Failed, true},
		{app.PhaseWaitingCode, app.PhaseError, sound.Failed, true},
		{app.PhaseDone, app.PhaseDone, 0, false},
		{app.PhaseIdle, app.PhaseWaitingCode, 0, false},
		{app.PhaseDone, app.PhaseIdle, 0, false},
	} {
		if tone, ok := toneFor(c.prev, c.next); ok != c.ok || tone != c.tone {
			t.Errorf("%s -> %s: %v %v", c.prev, c.next, tone, ok)
		}
	}
}
