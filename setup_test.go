package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// stubs writes shell scripts standing in for system commands into a folder
// that is then the whole PATH (with sh), so the set-up scripts run as on a
// machine we choose: not root, with or without sudo.
func stubs(t *testing.T, scripts map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, tool := range []string{"sh", "sed", "cat"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Fatal(err)
		}
		os.Symlink(p, filepath.Join(dir, tool))
	}
	return dir
}

func runScript(t *testing.T, path string, dir string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(filepath.Join(dir, "sh"), append([]string{path}, args...)...)
	cmd.Env = []string{"PATH=" + dir, "LOG=" + filepath.Join(dir, "log")}
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

// A package removed but not purged ("deinstall ok config-files") counts as
// missing; a user without sudo is told what to run as root; with sudo, the
// frontend variable reaches apt-get although sudo resets the environment.
func TestAptInstallAsAUserWithAndWithoutSudo(t *testing.T) {
	base := map[string]string{
		"id":         `echo 1000`,
		"dpkg-query": `case "$3" in gcc) echo "install ok installed";; pkg-config) echo "deinstall ok config-files";; *) exit 1;; esac`,
		"apt-get":    `echo "apt-get $* DEBIAN_FRONTEND=$DEBIAN_FRONTEND" >> "$LOG"`,
		"env":        `while [ "${1#*=}" != "$1" ]; do export "$1"; shift; done; "$@"`,
	}
	dir := stubs(t, base)
	out, code := runScript(t, ".ci/apt-install", dir, "gcc", "pkg-config", "libx11-dev")
	if code != 1 || !strings.Contains(out, "no sudo") || !strings.Contains(out, "apt-get install -y --no-install-recommends pkg-config libx11-dev") {
		t.Fatalf("without sudo: exit %d\n%s", code, out)
	}
	if strings.Contains(out, "gcc") {
		t.Errorf("an installed package was listed: %s", out)
	}
	// sudo that resets the environment, as the real one does.
	withSudo := map[string]string{"sudo": `LOG_KEEP="$LOG"; exec env -i PATH="$PATH" LOG="$LOG_KEEP" "$@"`}
	for k, v := range base {
		withSudo[k] = v
	}
	withSudo["env"] = `if [ "$1" = "-i" ]; then shift; unset DEBIAN_FRONTEND; fi; while [ "${1#*=}" != "$1" ]; do export "$1"; shift; done; "$@"`
	dir = stubs(t, withSudo)
	out, code = runScript(t, ".ci/apt-install", dir, "gcc", "pkg-config")
	log, _ := os.ReadFile(filepath.Join(dir, "log"))
	if code != 0 || !strings.Contains(string(log), "install -y -qq --no-install-recommends pkg-config DEBIAN_FRONTEND=noninteractive") {
		t.Fatalf("with sudo: exit %d %s\napt-get saw: %s", code, out, log)
	}
}

// Go is checked first, with its version.
func TestCheckGoWantsGo126(t *testing.T) {
	for v, ok := range map[string]bool{"go1.26.0": true, "go1.27.1": true, "go1.26rc1": true, "go1.25.4": false, "go1.9": false} {
		dir := stubs(t, map[string]string{"go": `echo ` + v})
		out, code := runScript(t, ".ci/check-go", dir)
		if (code == 0) != ok {
			t.Errorf("%s: exit %d %s", v, code, out)
		}
	}
	dir := stubs(t, nil)
	if out, code := runScript(t, ".ci/check-go", dir); code == 0 || !strings.Contains(out, "go.dev/dl") {
		t.Errorf("no Go: exit %d %s", code, out)
	}
}
