package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The arrows go one way: screens -> app -> device, store, i18n. The core
// must build and test without a display, so app, device and store never
// import Fyne.
func TestCoreDoesNotImportFyne(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./app/...", "./device/...", "./store/...", "./i18n/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "fyne.io/") {
			t.Fatalf("app, device, store or i18n depends on %s", dep)
		}
	}
}

// device, store and i18n import nothing of ours above them.
func TestLowerLayersDoNotImportUpper(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}: {{join .Imports " "}}`, "./device/...", "./store/...", "./i18n/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		for _, bad := range []string{"codepay/app", "codepay/screens", "codepay/theme"} {
			if strings.Contains(line, bad) {
				t.Errorf("%s imports %s", strings.SplitN(line, ":", 2)[0], bad)
			}
		}
	}
}

// Screens reach the terminal through app only: no SQL, serial or camera.
func TestScreensImportOnlyAppI18nTheme(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{join .Imports " "}}`, "./screens").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, imp := range strings.Fields(string(out)) {
		if strings.HasPrefix(imp, "codepay/") && imp != "codepay/app" && imp != "codepay/i18n" && imp != "codepay/theme" &&
			imp != "codepay/app/center" {
			t.Errorf("screens imports %s", imp)
		}
	}
}
