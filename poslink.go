package main

import (
	"context"
	"io"
	"log/slog"

	"codepay/app"
	"codepay/device/poslink"
)

// startPOSLink puts the terminal on the serial line when a port is set.
// The link feeds the same request handler as the on-screen POS panel.
func startPOSLink(ctx context.Context, s app.Settings, term *app.Terminal, log *slog.Logger) (func(), error) {
	if s.POS.Port == "" {
		return func() {}, nil
	}
	term.SetLinkStatus(app.LinkDown)
	// The light follows the port, and goes out when a frame to the POS is
	// given up after four sendings (pos-link.md rule 3).
	opt := poslink.Options{OnState: func(up bool) {
		term.SetLinkStatus(map[bool]string{true: app.LinkUp, false: app.LinkDown}[up])
	}}
	sess := term.AttachLink(opt, log)
	ctx, cancel := context.WithCancel(ctx)
	go poslink.Keep(ctx, sess, func() (io.ReadWriteCloser, error) { return poslink.OpenSerial(s.POS.Port, s.POS.Baud) },
		func(open bool, err error) {
			if open {
				term.SetLinkStatus(app.LinkUp)
				return
			}
			term.SetLinkStatus(app.LinkDown)
			log.Warn("POS line down; re-opening every second", "port", s.POS.Port, "err", err)
		})
	return cancel, nil
}
