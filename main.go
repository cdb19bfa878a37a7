// Command codepay is a POS-connected code-payment terminal: a Fyne kiosk
// that reads customers' payment codes with a camera and asks the payment
// center. Run without a config it is the hardware-free demo.
package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"codepay/app"
	"codepay/app/center"
	"codepay/app/cli"
	"codepay/device/camera"
	"codepay/device/codes"
	"codepay/device/printer"
	"codepay/device/sound"
	"codepay/i18n"
	_ "codepay/i18n/plainlocale" // first of all: no locale noise from Fyne under C.UTF-8
	"codepay/screens"
	"codepay/theme"
)

func main() {
	var err error
	args := os.Args[1:]
	cmd := ""
	if len(args) > 0 {
		cmd = args[0]
	}
	switch cmd {
	case "scan":
		err = cli.Scan(args[1:], os.Stdout, os.Stderr)
	case "gencode":
		err = cli.Gencode(args[1:], os.Stdout, os.Stderr)
	case "center":
		err = cli.Center(args[1:], os.Stdout, os.Stderr)
	case "possim":
		err = cli.Possim(args[1:], os.Stdin, os.Stdout, os.Stderr)
	case "printersim":
		err = cli.Printersim(args[1:], os.Stdout, os.Stderr, theme.FontMono.Content())
	default:
		err = runTerminal(args)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "codepay:", err)
		os.Exit(1)
	}
}

// demoKey is the embedded simulator's key pair: it never leaves loopback.
const demoKey, demoSecret = "demo", "demo-secret"

func runTerminal(args []string) error {
	s, err := app.ParseSettings(args, os.Stderr)
	var cfgErr *app.ConfigError
	if errors.As(err, &cfgErr) {
		return startupFault(app.CodeConfig, err, s.Lang)
	}
	if err != nil {
		return err
	}
	if err := displayError(); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if err := app.PrepareDataDir(s.Data.Dir); err != nil {
		return err
	}
	// A store that cannot be used keeps the terminal out of service with
	// its code on screen (and for the POS); the file is not touched.
	db, fault := app.OpenStore(filepath.Join(s.Data.Dir, "codepay.db"))
	if fault != nil {
		log.Error("store", "code", fault.Code, "err", fault.Detail)
	}

	cc := center.Config{BaseURL: s.Center.URL, APIKey: s.Center.APIKey, APISecret: s.Center.APISecret, MerchantID: s.Center.MerchantID,
		TerminalID: s.Terminal.ID, StoreID: s.Terminal.StoreID, CAFile: s.Center.CAFile, Log: log}
	if s.Center.URL == "sim" {
		url, stop, err := startSim(filepath.Join(s.Data.Dir, "center-sim.db"), log)
		if err != nil {
			return err
		}
		defer stop()
		cc.BaseURL, cc.APIKey, cc.APISecret = url, demoKey, demoSecret
	}
	client, err := center.NewClient(cc)
	if err != nil {
		return startupFault(app.CodeCenterClient, err, s.Lang)
	}
	services, err := serviceClients(s, cc, log)
	if err != nil {
		return err
	}

	customer := app.NewDemoCustomer()
	cam, err := camera.New(s.Camera.Source, customer.Present)
	if err != nil {
		return startupFault(app.CodeCamera, err, s.Lang)
	}
	term := app.New(app.Config{TerminalID: s.Terminal.ID, MerchantName: s.Terminal.MerchantName, StoreID: s.Terminal.StoreID,
		Capacity: s.Terminal.Capacity, Lang: s.Lang, ReceiptWidth: s.Printer.Width, Log: log}, db, client, cam, codes.NewReader())
	virtual, err := setPrinter(term, s)
	if err != nil {
		return startupFault(app.CodeConfig, err, s.Lang)
	}
	term.SetPractice(s.Practice)
	if db != nil {
		defer func() {
			term.StopVerify()
			if term.Fault() != nil {
				// A damaged store is left as it is: closing would
				// checkpoint the journal into it.
				return
			}
			db.Close() // a clean stop: the next start skips the full check
		}()
	}
	for _, sv := range services {
		term.AddService(sv)
	}
	if fault != nil {
		term.SetFault(*fault)
	}

	a := fyneapp.NewWithID("jp.codepay.terminal")
	a.Settings().SetTheme(&theme.Kiosk{Practice: s.Practice})
	w := a.NewWindow(term.Localizer().T("app.title"))
	var panel *screens.PosPanel
	if s.POS.Port == "" {
		panel = screens.NewPosPanel(term, customer)
		if virtual != nil {
			virtual.show = panel.ShowPrinted
		}
	}
	ui := screens.New(a, term, panel)
	w.SetContent(ui.Content())
	ui.BindKeys(w.Canvas())
	w.SetPadded(false) // the swipe strip must touch the screen's left edge
	w.Resize(fyne.NewSize(1280, 800))
	w.SetFullScreen(s.Fullscreen)
	if s.CustomerDisplay {
		cd := screens.NewCustomerDisplay()
		cw := a.NewWindow(term.Localizer().T("customer.title"))
		cw.SetContent(cd.Content())
		cw.Resize(fyne.NewSize(1024, 600))
		ui.AttachCustomerDisplay(cd)
		cw.Show()
	}
	if fault == nil {
		if err := term.EnsurePasswordFor(s.Terminal.Password, s.Demo()); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if term.NeedsPassword() {
			ui.AskFirstPassword()
		}
	}

	tones := sound.New(s.Sound.Mute)
	var toneMu sync.Mutex // subscribers are called from the terminal's goroutines
	prev := app.PhaseIdle
	term.Subscribe(func(st app.State) {
		toneMu.Lock()
		defer toneMu.Unlock()
		if t, ok := toneFor(prev, st.Phase); ok {
			tones.Play(t)
		}
		prev = st.Phase
	})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopLink, err := startPOSLink(ctx, s, term, log)
	if err != nil {
		return err
	}
	defer stopLink()
	go func() {
		if fault != nil {
			return
		}
		// The whole file is checked before recovery writes to it: a damaged
		// store takes no payment and is left as found.
		if err := term.Start(ctx); err != nil {
			log.Error("start-up", "err", err)
		}
		if term.Fault() != nil {
			return
		}
		go term.WatchCenter(ctx, 5*time.Second)
		go term.StartPrinter(ctx)
		term.RetryUnsettled(ctx, 30*time.Second)
	}()
	w.ShowAndRun()
	return nil
}

// startupFault shows a start-up failure on screen with its code (staff at
// a kiosk see no stderr) as well as on stderr, until the window is closed;
// then the terminal exits with the error.
func startupFault(code string, err error, lang string) error {
	fmt.Fprintf(os.Stderr, "codepay: %s: %v\n", code, err)
	if derr := displayError(); derr != nil {
		return fmt.Errorf("%s: %w (%v)", code, err, derr)
	}
	a := fyneapp.NewWithID("jp.codepay.terminal")
	a.Settings().SetTheme(&theme.Kiosk{})
	tr := i18n.New(lang)
	w := a.NewWindow(tr.T("app.title"))
	w.SetContent(screens.FaultContent(tr, code, err.Error()))
	w.Resize(fyne.NewSize(1280, 800))
	w.ShowAndRun()
	return fmt.Errorf("%s: %w", code, err)
}

// serviceClients makes the [[services]] of the batch totals: each a center
// of its own; "sim" is the embedded simulator under a terminal id of the
// service's own.
func serviceClients(s app.Settings, qr center.Config, log *slog.Logger) ([]app.Service, error) {
	var out []app.Service
	for i, sv := range s.Services {
		c := center.Config{BaseURL: sv.URL, APIKey: sv.APIKey, APISecret: sv.APISecret, MerchantID: sv.MerchantID,
			TerminalID: sv.TerminalID, StoreID: s.Terminal.StoreID, Log: log}
		if sv.URL == "sim" {
			c.BaseURL, c.APIKey, c.APISecret, c.MerchantID = qr.BaseURL, qr.APIKey, qr.APISecret, qr.MerchantID
			if c.TerminalID == "" {
				c.TerminalID = fmt.Sprintf("%s-S%d", s.Terminal.ID, i+1)
			}
		}
		if c.TerminalID == "" {
			c.TerminalID = s.Terminal.ID
		}
		cl, err := center.NewClient(c)
		if err != nil {
			return nil, fmt.Errorf("services[%d] (%s): %w", i, sv.Name, err)
		}
		out = append(out, app.NewCenterService(sv.Name, cl))
	}
	return out, nil
}

// startSim runs the center simulator in-process on a loopback port.
func startSim(dbPath string, log *slog.Logger) (string, func(), error) {
	sim, err := center.NewSim(center.SimOptions{Keys: map[string]string{demoKey: demoSecret}, DBPath: dbPath,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return "", nil, err
	}
	url, stop, err := sim.ServeLoopback()
	if err != nil {
		sim.Close()
		return "", nil, err
	}
	log.Info("embedded center simulator", "url", url)
	return url, func() { stop(); sim.Close() }, nil
}

// demoPrinter is the demo's virtual printer: what it prints goes to the
// POS panel's paper roll.
type demoPrinter struct {
	v      *printer.Virtual
	render *printer.Renderer
	show   func(image.Image)
}

// setPrinter gives the terminal the configured printer; in the demo, a
// virtual one whose pages the window shows.
func setPrinter(term *app.Terminal, s app.Settings) (*demoPrinter, error) {
	spec, err := printer.ParseSpec(s.PrinterDevice())
	if err != nil || spec.Kind == "none" {
		return nil, err
	}
	render, err := printer.NewRenderer(theme.FontMono.Content(), s.Printer.Width)
	if err != nil {
		return nil, err
	}
	out := app.PrintOut{Kanji: s.PrinterKanji(), Render: render}
	var demo *demoPrinter
	if spec.Kind == "demo" {
		demo = &demoPrinter{v: &printer.Virtual{}, render: render}
		demo.v.OnPage = func(p printer.Page) {
			if demo.show != nil {
				demo.show(render.Page(p))
			}
		}
		out.Printer = printer.NewWith(demo.v.Open)
	} else {
		out.Printer = printer.New(spec)
	}
	term.SetPrinter(out)
	return demo, nil
}

// toneFor is the tone of a change of screen: a beep when the code is read
// (the prompt gives way to processing), a chime when done, a low tone on
// an error.
func toneFor(prev, next app.Phase) (sound.Tone, bool) {
	switch {
	case prev == next:
		return 0, false
	case prev == app.PhaseWaitingCode && next == app.PhaseProcessing:
		return sound.Read, true
	case next == app.PhaseDone:
		return sound.Done, true
	case next == app.PhaseError:
		return sound.Failed, true
	}
	return 0, false
}
