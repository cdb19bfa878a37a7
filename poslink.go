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
	var sess *poslink.Session
	// The light follows the port, and goes out when a frame to the POS is
	// given up after four sendings (pos-link.md rule 3).
	opt := poslink.Options{OnState: func(up bool) {
		term.SetLinkStatus(map[bool]string{true: app.LinkUp, false: app.LinkDown}[up])
	}, OnDrop: func(body []byte, err error) {
		log.Error("a message to the POS was too large to send", "bytes", len(body), "err", err)
	}}
	send := func(msg any) {
		// Every message reaches the POS: one too large for a frame is cut
		// to fit with the rest reachable (app.EncodeForPOS); one that
		// cannot be encoded at all is logged and answered with an error.
		b, err := term.EncodeForPOS(msg, poslink.MaxBody-poslink.SeqRoom)
		if err != nil {
			log.Error("a message to the POS could not be encoded", "err", err)
		}
		if b != nil {
			sess.Send(b)
		}
	}
	sess = poslink.NewSession(opt, func(body []byte) { term.Handle(body, send) })
	term.SetNotifier(send)
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
