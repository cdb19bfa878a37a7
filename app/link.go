package app

import (
	"log/slog"

	"codepay/device/poslink"
)

// AttachLink makes the POS link session that feeds this terminal: every
// request goes to Handle, every event and result goes back cut to fit a
// frame (EncodeForPOS), and settled outcomes are pushed to the POS. The
// serial port (main) and the tests' pseudo-terminals use the same wiring.
func (t *Terminal) AttachLink(opt poslink.Options, log *slog.Logger) *poslink.Session {
	var sess *poslink.Session
	send := func(msg any) {
		b, err := t.EncodeForPOS(msg, poslink.MaxBody-poslink.SeqRoom)
		if err != nil {
			// Never silence: what could not be sent whole went as an error
			// result for the same id, and the log says why.
			log.Error("a message to the POS could not be sent whole", "err", err)
		}
		if b != nil {
			sess.Send(b)
		}
	}
	if opt.OnDrop == nil {
		opt.OnDrop = func(body []byte, err error) {
			log.Error("a message to the POS was too large to send", "bytes", len(body), "err", err)
		}
	}
	sess = poslink.NewSession(opt, func(body []byte) { t.Handle(body, send) })
	t.SetNotifier(send)
	return sess
}
