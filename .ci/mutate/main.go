// Command mutate breaks the money paths on purpose, one named mutation at a
// time, and runs the tests that guard them: a mutant the tests do not kill
// is a hole in the tests. The source tree is never touched: each mutant is
// compiled through `go test -overlay`.
//
//	go run ./.ci/mutate [-run NAME] [-out docs/reliability.md]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// edit replaces one exact, unique text of a file.
type edit struct{ file, old, new string }

type mutant struct {
	name  string // what the mutation breaks, in a store's words
	edits []edit
	tests string   // -run pattern
	pkgs  []string // packages whose tests guard it
}

const faultTests = "Fault|PowerFailure"

var mutants = []mutant{
	{"intent written after the center call (charged, register told ABORTED)", []edit{
		{"app/payment.go", "\tif err := t.store.BeginTxn(ctx, &txn); err != nil {\n\t\tif errors.Is(err, store.ErrSlipNo) {\n\t\t\tif practice {\n\t\t\t\treturn t.fail(op, \"QRNE0306\")",
			"\tif err := error(nil); err != nil {\n\t\tif errors.Is(err, store.ErrSlipNo) {\n\t\t\tif practice {\n\t\t\t\treturn t.fail(op, \"QRNE0306\")"},
		{"app/payment.go", "\tcrashPoint(\"after_answer\")\n", "\tt.store.BeginTxn(ctx, &txn)\n\tcrashPoint(\"after_answer\")\n"},
	}, "PowerFailureAtEveryPointOfAPayment", []string{"./app/"}},
	{"a recovered cancel or refund marked done without being sent", []edit{
		{"app/recovery.go", "\t\terr = t.reverse(ctx, nil, orig, &txn)\n", "\t\t_ = orig\n"},
	}, faultTests, []string{"./app/"}},
	{"an interrupted payment assumed failed at recovery, the center not asked", []edit{
		{"app/recovery.go", "\t\tp, err = t.center.Settle(ctx, txn.CenterID, \"comm\", nil)\n", "\t\tp, err = center.Payment{}, fmt.Errorf(\"not asked\")\n"},
	}, faultTests, []string{"./app/"}},
	{"a lost answer taken as a refusal (unknown outcome stored as failed)", []edit{
		{"app/payment.go", "\t\t\tif ce.Unknown {\n\t\t\t\tstate = store.StateUnknown\n", "\t\t\tif ce.Unknown {\n\t\t\t\tstate = store.StateFailed\n"},
	}, faultTests, []string{"./app/"}},
	{"a charge the center holds after an unknown outcome not reversed", []edit{
		{"app/center/client.go", "\t\tcerr := c.CancelPayment(ctx, merchantPaymentID)\n", "\t\tcerr := error(nil)\n"},
	}, faultTests, []string{"./app/"}},
	{"the done state of a charge never written", []edit{
		{"app/payment.go", "\tif serr := t.store.SettleTxn(context.Background(), txn.ID, store.StateDone, txn.PaymentID, txn.Brand, \"\", txn.At); serr != nil {",
			"\tif serr := error(nil); serr != nil {"},
	}, faultTests, []string{"./app/"}},
	{"a resend runs the request again instead of replaying its result", []edit{
		{"app/terminal.go", "\t} else if seen {\n", "\t} else if seen && false {\n"},
		{"store/requests.go", "`INSERT INTO requests(id, op, hash, practice, created_at)", "`INSERT OR REPLACE INTO requests(id, op, hash, practice, created_at)"},
	}, faultTests, []string{"./app/"}},
	{"a 日計 asked before its id is recorded", []edit{
		{"app/totals.go", "} else if upTo, err = t.store.BeginDaily(ctx, mtid); err != nil {", "} else if upTo, err = 0, error(nil); err != nil {"},
	}, faultTests, []string{"./app/"}},
	{"customer codes masked with one character more shown", []edit{
		{"app/center/sim.go", "return c[:4] + strings.Repeat(\"*\", len(c)-6) + c[len(c)-2:]", "return c[:5] + strings.Repeat(\"*\", len(c)-7) + c[len(c)-2:]"},
	}, "Logs|Mask", []string{"./app/", "./app/center/"}},
	{"the capacity check lets one payment too many through", []edit{
		{"app/payment.go", "if n >= t.cfg.Capacity {", "if n > t.cfg.Capacity {"},
	}, "Capacity", []string{"./app/"}},
	{"practice rows counted against the capacity", []edit{
		{"store/txns.go", "WHERE practice=0 AND closed_seq IS NULL", "WHERE closed_seq IS NULL"},
	}, "Capacity|Practice", []string{"./app/", "./store/"}},
	{"a practice payment sent to the center", []edit{
		{"app/payment.go", "\tif practice {\n\t\t// Practice: nothing reaches the center", "\tif false && practice {\n\t\t// Practice: nothing reaches the center"},
	}, "Practice", []string{"./app/"}},
	{"a practice cancel or refund sent to the center", []edit{
		{"app/refund.go", "\t\tif practice {\n\t\t\treturn t.settled(ctx, op, &txn, nil)", "\t\tif false && practice {\n\t\t\treturn t.settled(ctx, op, &txn, nil)"},
	}, "Practice", []string{"./app/"}},
	{"a practice online test sent to the center", []edit{
		{"app/local.go", "\tif practice {\n\t\tr = OnlineResult{", "\tif false && practice {\n\t\tr = OnlineResult{"},
	}, "Practice", []string{"./app/"}},
	{"a practice sales report asks the center", []edit{
		{"app/local.go", "\tif practice {\n\t\tf = center.DefaultReportFormat()", "\tif false && practice {\n\t\tf = center.DefaultReportFormat()"},
	}, "Practice", []string{"./app/"}},
	{"a practice 日計 closes the center's day", []edit{
		{"app/totals.go", "\tcase practice:\n\t\tif details, err = t.store.Details(ctx, true, 0)", "\tcase false && practice:\n\t\tif details, err = t.store.Details(ctx, true, 0)"},
	}, "Practice", []string{"./app/"}},
	{"the password lockout lasts 5 s", []edit{
		{"app/auth.go", "LockoutFor       = 60 * time.Second", "LockoutFor       = 5 * time.Second"},
	}, "Password|Lockout", []string{"./app/"}},
	{"a slip dropped when the printer cannot take it", []edit{
		{"app/print.go", "\t\t} else {\n\t\t\tt.mu.Lock()\n\t\t\tt.printQ = t.printQ[1:]\n\t\t\tt.mu.Unlock()\n\t\t}", "\t\t}\n\t\tt.mu.Lock()\n\t\tt.printQ = t.printQ[1:]\n\t\tt.mu.Unlock()"},
	}, "Printer", []string{"./app/"}},
	{"a job sent into a printer out of paper", []edit{
		{"device/printer/printer.go", "\tif !st.Ready() {\n\t\treturn &NotReady{Status: st}\n\t}\n\tif _, err := p.conn.Write(job)", "\tif _, err := p.conn.Write(job)"},
	}, ".", []string{"./device/printer/"}},
	{"a config with secrets accepted when its group can read it", []edit{
		{"app/config.go", "if secret && st.Mode().Perm()&0o077 != 0 {", "if secret && st.Mode().Perm()&0o007 != 0 {"},
	}, "Config", []string{"./app/"}},
}

func main() {
	only := flag.String("run", "", "only mutants whose name matches this regexp")
	out := flag.String("out", "", "write the table into this markdown file, between <!-- mutants --> markers")
	timeout := flag.Duration("timeout", 8*time.Minute, "per mutant")
	flag.Parse()
	root, _ := os.Getwd()
	tmp, err := os.MkdirTemp("", "codepay-mutate")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(tmp)
	var re *regexp.Regexp
	if *only != "" {
		re = regexp.MustCompile(*only)
	}
	var rows []string
	survived := 0
	for i, m := range mutants {
		if re != nil && !re.MatchString(m.name) {
			continue
		}
		overlay, err := apply(root, tmp, i, m)
		if err != nil {
			fmt.Printf("STALE    %s: %v\n", m.name, err)
			rows = append(rows, fmt.Sprintf("| %s | stale: %v | |", m.name, err))
			survived++
			continue
		}
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		args := append([]string{"test", "-count=1", "-overlay", overlay, "-run", m.tests}, m.pkgs...)
		cmd := exec.CommandContext(ctx, "go", args...)
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		err = cmd.Run()
		cancel()
		verdict, by := "killed", killer(buf.String())
		switch {
		case err == nil:
			verdict, by = "**survived**", ""
			survived++
		case strings.Contains(buf.String(), "[build failed]") || strings.Contains(buf.String(), "[setup failed]"):
			verdict, by = "**does not compile**", firstLine(buf.String())
			survived++
		}
		fmt.Printf("%-13s %s (%s) %s\n", strings.Trim(verdict, "*"), m.name, time.Since(start).Round(time.Second), by)
		rows = append(rows, fmt.Sprintf("| %s | %s | %s |", m.name, verdict, by))
	}
	table := "| mutation | verdict | first test that failed |\n|---|---|---|\n" + strings.Join(rows, "\n") + "\n"
	if *out != "" {
		if err := splice(*out, table); err != nil {
			fail(err)
		}
	}
	fmt.Printf("%d mutants, %d not killed\n", len(rows), survived)
	if survived > 0 {
		os.Exit(1)
	}
}

// apply writes the mutated files and the overlay naming them.
func apply(root, tmp string, i int, m mutant) (string, error) {
	files := map[string]string{}
	for _, e := range m.edits {
		src, ok := files[e.file]
		if !ok {
			b, err := os.ReadFile(filepath.Join(root, e.file))
			if err != nil {
				return "", err
			}
			src = string(b)
		}
		if n := strings.Count(src, e.old); n != 1 {
			return "", fmt.Errorf("%s: the text to mutate is found %d times", e.file, n)
		}
		files[e.file] = strings.Replace(src, e.old, e.new, 1)
	}
	replace := map[string]string{}
	for f, src := range files {
		p := filepath.Join(tmp, fmt.Sprintf("m%d-%s", i, strings.ReplaceAll(f, "/", "_")))
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			return "", err
		}
		replace[filepath.Join(root, f)] = p
	}
	b, _ := json.Marshal(map[string]any{"Replace": replace})
	p := filepath.Join(tmp, fmt.Sprintf("overlay-%d.json", i))
	return p, os.WriteFile(p, b, 0o644)
}

// killer names the first failing test in go test's output.
func killer(out string) string {
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "--- FAIL: ") {
			return "`" + strings.Fields(l)[2] + "`"
		}
		if strings.HasPrefix(l, "panic: ") {
			return "a panic"
		}
	}
	return firstLine(out)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i > 0 {
		s = s[:i]
	}
	return strings.ReplaceAll(s, "|", "/")
}

// splice puts the table between the markers of a markdown file.
func splice(path, table string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(b)
	const open, end = "<!-- mutants -->", "<!-- /mutants -->"
	i, j := strings.Index(s, open), strings.Index(s, end)
	if i < 0 || j < i {
		return fmt.Errorf("%s has no %s … %s markers", path, open, end)
	}
	s = s[:i+len(open)] + "\n" + table + s[j:]
	return os.WriteFile(path, []byte(s), 0o644)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mutate:", err)
	os.Exit(2)
}
