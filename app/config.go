package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"

	"codepay/device/printer"
)

// Settings are the terminal's settings: the config file and the flags name
// the same ones, and a flag wins over the file.
type Settings struct {
	Terminal struct {
		ID           string `toml:"id"`
		MerchantName string `toml:"merchant_name"`
		StoreID      string `toml:"store_id"`
		Capacity     int    `toml:"capacity"`
		Password     string `toml:"password"`
	} `toml:"terminal"`
	POS struct {
		Port string `toml:"port"`
		Baud int    `toml:"baud"`
	} `toml:"pos"`
	Camera struct {
		Source string `toml:"source"`
	} `toml:"camera"`
	Center struct {
		URL        string `toml:"url"`
		APIKey     string `toml:"api_key"`
		APISecret  string `toml:"api_secret"`
		MerchantID string `toml:"merchant_id"`
		CAFile     string `toml:"ca_file"`
	} `toml:"center"`
	Data struct {
		Dir string `toml:"dir"`
	} `toml:"data"`
	// Printer is the receipt printer (device/printer): "none", "demo" (the
	// demo's virtual printer, its default), serial:DEV@BAUD, usb:DEV or
	// tcp:HOST:PORT; Width is the columns of a line (32, 42 or 48); Kanji
	// prints text in the printer's Kanji mode (Japanese models), otherwise
	// as an image drawn with the receipt font.
	// Sound: Mute turns the tones off (a read, done, an error).
	Sound struct {
		Mute bool `toml:"mute"`
	} `toml:"sound"`
	Printer struct {
		Device string `toml:"device"`
		Width  int    `toml:"width"`
		Kanji  *bool  `toml:"kanji"`
	} `toml:"printer"`
	// Services are the other payment services whose totals 一括日計 and
	// 一括中間計 run after the code payment's: each a center speaking the
	// same terminal API (center-api.md section 3), "sim" for the embedded
	// simulator.
	Services        []ServiceSettings `toml:"services"`
	Fullscreen      bool              `toml:"-"`
	CustomerDisplay bool              `toml:"-"`
	Practice        bool              `toml:"-"`
	Lang            string            `toml:"-"`
	ConfigPath      string            `toml:"-"`
}

// ServiceSettings is one [[services]] entry.
type ServiceSettings struct {
	Name       string `toml:"name"`
	URL        string `toml:"url"`
	TerminalID string `toml:"terminal_id"`
	APIKey     string `toml:"api_key"`
	APISecret  string `toml:"api_secret"`
	MerchantID string `toml:"merchant_id"`
}

// Demo tells whether the settings describe the hardware-free demo.
func (s *Settings) Demo() bool { return s.Center.URL == "sim" && s.POS.Port == "" }

// DefaultSettings are the demo's: the embedded simulator, the on-screen
// POS panel and the demo camera.
func DefaultSettings() Settings {
	var s Settings
	s.Terminal.ID = "T0001"
	s.Terminal.MerchantName = "codepay デモ店"
	s.Terminal.StoreID = "S001"
	s.Terminal.Capacity = 1000
	s.POS.Baud = 115200
	s.Camera.Source = "demo"
	s.Center.URL = "sim"
	s.Center.MerchantID = "M0001"
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = os.TempDir()
	}
	s.Data.Dir = filepath.Join(dir, "codepay")
	s.Printer.Width = 32
	return s
}

// PrinterKanji tells whether text goes in the printer's Kanji mode (the
// default: Japanese models have it).
func (s *Settings) PrinterKanji() bool { return s.Printer.Kanji == nil || *s.Printer.Kanji }

// PrinterDevice is the printer to drive: the config's, or the demo's
// virtual printer in the demo and none otherwise.
func (s *Settings) PrinterDevice() string {
	if s.Printer.Device != "" {
		return s.Printer.Device
	}
	if s.Demo() {
		return "demo"
	}
	return "none"
}

// ParseSettings reads the flags and the config file they name. An error
// names the field at fault, and nothing has been written.
func ParseSettings(args []string, stderr io.Writer) (Settings, error) {
	s := DefaultSettings()
	fs := flag.NewFlagSet("codepay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "config file (TOML)")
	port := fs.String("port", "", "POS serial port (empty: on-screen POS panel)")
	baud := fs.Int("baud", 0, "POS serial speed")
	cam := fs.String("camera", "", "camera: v4l2:DEV | dir:PATH | file:PATH | demo")
	centerURL := fs.String("center", "", "center: https URL of the gateway, or sim")
	key := fs.String("center-key", "", "center API key")
	secret := fs.String("center-secret", "", "center API secret (visible in ps: prefer --center-secret-file or CODEPAY_CENTER_SECRET)")
	secretFile := fs.String("center-secret-file", "", "file holding the center API secret (mode 0600)")
	merchant := fs.String("merchant", "", "merchant id at the center")
	data := fs.String("data", "", "folder of the terminal's SQLite files")
	printerDev := fs.String("printer", "", "receipt printer: serial:DEV@BAUD | usb:DEV | tcp:HOST:PORT | demo | none")
	fs.BoolVar(&s.Fullscreen, "fullscreen", false, "full screen (kiosk)")
	fs.BoolVar(&s.CustomerDisplay, "customer-display", false, "open a second window facing the customer")
	fs.BoolVar(&s.Practice, "practice", false, "start in practice mode")
	mute := fs.Bool("mute", false, "no tones (a read, done, an error)")
	fs.StringVar(&s.Lang, "lang", "", "language of the screens: ja or en (default from LANG)")
	if err := fs.Parse(args); err != nil {
		return s, err
	}
	if fs.NArg() > 0 {
		return s, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *cfgPath != "" {
		if err := s.loadFile(*cfgPath); err != nil {
			return s, &ConfigError{err}
		}
		s.ConfigPath = *cfgPath
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&s.POS.Port, *port)
	set(&s.Printer.Device, *printerDev)
	s.Sound.Mute = s.Sound.Mute || *mute
	set(&s.Camera.Source, *cam)
	set(&s.Center.URL, *centerURL)
	set(&s.Center.APIKey, *key)
	// The secret: the environment, then a file, then the flag (each wins
	// over the config file); the flag alone shows it to every user in ps.
	set(&s.Center.APISecret, os.Getenv("CODEPAY_CENTER_SECRET"))
	if *secretFile != "" {
		v, err := readSecretFile(*secretFile)
		if err != nil {
			return s, err
		}
		s.Center.APISecret = v
	}
	set(&s.Center.APISecret, *secret)
	set(&s.Center.MerchantID, *merchant)
	set(&s.Data.Dir, *data)
	if *baud != 0 {
		s.POS.Baud = *baud
	}
	if s.Lang == "" {
		s.Lang = os.Getenv("LANG")
	}
	if err := s.Validate(); err != nil {
		return s, &ConfigError{err}
	}
	return s, nil
}

// ConfigError is a config file or setting that cannot be used (not a
// mistyped flag): the terminal shows it on screen as QRNX0001 as well.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Start-up codes shown on screen (the manual's 初期化エラー and
// サーバへの通信の起動ができません).
const (
	CodeConfig       = "QRNX0001" // the config file or a setting
	CodeCamera       = "QRNX0005" // the camera could not be set up
	CodeCenterClient = "QRNE0022" // the way to the center could not be set up (URL, CA file)
)

// readSecretFile reads a secret from a file no one else may read.
func readSecretFile(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("center-secret-file: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("center-secret-file %s: mode %04o lets others read it; chmod 600", path, st.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("center-secret-file: %w", err)
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", fmt.Errorf("center-secret-file %s: empty", path)
	}
	return v, nil
}

// loadFile reads a TOML config. A file holding secrets must not be
// readable by others.
func (s *Settings) loadFile(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	secret, err := s.decode(path, data)
	if err != nil {
		return err
	}
	if secret && st.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("config %s: holds secrets but others can read it (mode %o); chmod 600 it", path, st.Mode().Perm())
	}
	return nil
}

// decode reads a config's TOML text over s; secret tells whether it holds
// any secret (API secret, password).
func (s *Settings) decode(name string, data []byte) (secret bool, err error) {
	md, err := toml.Decode(string(data), s)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return false, fmt.Errorf("config %s: line %d: %s", name, pe.Position.Line, pe.Message)
		}
		return false, fmt.Errorf("config %s: %w", name, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return false, fmt.Errorf("config %s: unknown setting %s", name, und[0].String())
	}
	secret = s.Center.APISecret != "" || s.Terminal.Password != ""
	for _, sv := range s.Services {
		secret = secret || sv.APISecret != ""
	}
	return secret, nil
}

var baudRates = map[int]bool{9600: true, 19200: true, 38400: true, 57600: true, 115200: true}

// Validate checks every setting and names the first bad one.
func (s *Settings) Validate() error {
	switch {
	case !idPattern.MatchString(s.Terminal.ID):
		return fmt.Errorf("terminal.id %q: 1 to 32 of A-Z a-z 0-9 - _", s.Terminal.ID)
	case s.Terminal.Capacity < 1 || s.Terminal.Capacity > 1000000:
		return fmt.Errorf("terminal.capacity %d: 1 to 1000000", s.Terminal.Capacity)
	case !baudRates[s.POS.Baud]:
		return fmt.Errorf("pos.baud %d: one of 9600, 19200, 38400, 57600, 115200", s.POS.Baud)
	case s.Camera.Source != "demo" && !strings.HasPrefix(s.Camera.Source, "v4l2:") && !strings.HasPrefix(s.Camera.Source, "dir:") && !strings.HasPrefix(s.Camera.Source, "file:"):
		return fmt.Errorf("camera.source %q: v4l2:DEV, dir:PATH, file:PATH or demo", s.Camera.Source)
	case s.Center.URL == "":
		return errors.New("center.url: a https URL or sim")
	case s.Center.URL != "sim" && !strings.HasPrefix(s.Center.URL, "https://") && !strings.HasPrefix(s.Center.URL, "http://127.0.0.1") && !strings.HasPrefix(s.Center.URL, "http://localhost"):
		return fmt.Errorf("center.url %q: https only (plain http on loopback)", s.Center.URL)
	case s.Center.URL != "sim" && (s.Center.APIKey == "" || s.Center.APISecret == ""):
		return errors.New("center.api_key and center.api_secret are required for a real center")
	case s.Data.Dir == "":
		return errors.New("data.dir: a folder is required")
	case s.Printer.Width != 32 && s.Printer.Width != 42 && s.Printer.Width != 48:
		return fmt.Errorf("printer.width %d: 32, 42 or 48 columns", s.Printer.Width)
	}
	if _, err := printer.ParseSpec(s.Printer.Device); err != nil {
		return fmt.Errorf("printer.device: %w", err)
	}
	names := map[string]bool{"QR": true}
	for i, sv := range s.Services {
		switch {
		case sv.Name == "" || DisplayWidth(sv.Name) > 16 || names[sv.Name]:
			return fmt.Errorf("services[%d].name %q: a name of its own, at most 16 columns (QR is the code payment)", i, sv.Name)
		case sv.URL != "sim" && !strings.HasPrefix(sv.URL, "https://") && !strings.HasPrefix(sv.URL, "http://127.0.0.1") && !strings.HasPrefix(sv.URL, "http://localhost"):
			return fmt.Errorf("services[%d].url %q: https only (plain http on loopback), or sim", i, sv.URL)
		case sv.URL != "sim" && (sv.APIKey == "" || sv.APISecret == ""):
			return fmt.Errorf("services[%d]: api_key and api_secret are required", i)
		case sv.TerminalID != "" && !idPattern.MatchString(sv.TerminalID):
			return fmt.Errorf("services[%d].terminal_id %q: 1 to 32 of A-Z a-z 0-9 - _", i, sv.TerminalID)
		}
		names[sv.Name] = true
	}
	return nil
}
