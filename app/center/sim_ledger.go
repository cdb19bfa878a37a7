package center

import (
	"fmt"
	"net/http"
)

// LedgerPayment is one charge the center holds, as its own records have it.
type LedgerPayment struct {
	MerchantPaymentID string
	PaymentID         string
	TerminalID        string
	Amount            int64
	// Canceled: the charge was reversed (a cancel, the center's own error
	// handling, or a cancel that arrived before the payment).
	Canceled bool
	Refunds  []Refund
}

// Ledger is everything the center holds and every call that reached it.
// Tests reconcile a terminal's records against it both ways: what the
// terminal claims happened at the center, and nothing else.
type Ledger struct {
	Payments []LedgerPayment
	// Calls counts the calls that passed authentication, by route
	// ("POST /v2/payments", "POST /kiosk/v1/terminals/{tid}/online-test", …).
	Calls map[string]int
}

// Ledger reads the simulator's records.
func (s *Sim) Ledger() (Ledger, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var l Ledger
	rows, err := s.db.Query(`SELECT merchant_payment_id, payment_id, terminal_id, amount, canceled_at FROM payments ORDER BY accepted_at, merchant_payment_id`)
	if err != nil {
		return l, fmt.Errorf("ledger: %w", err)
	}
	for rows.Next() {
		var p LedgerPayment
		var canceledAt int64
		if err := rows.Scan(&p.MerchantPaymentID, &p.PaymentID, &p.TerminalID, &p.Amount, &canceledAt); err != nil {
			rows.Close()
			return l, fmt.Errorf("ledger: %w", err)
		}
		p.Canceled = canceledAt > 0
		l.Payments = append(l.Payments, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return l, fmt.Errorf("ledger: %w", err)
	}
	for i := range l.Payments {
		if l.Payments[i].Refunds, err = s.refundsOf(l.Payments[i].PaymentID); err != nil {
			return l, fmt.Errorf("ledger: %w", err)
		}
	}
	s.callMu.Lock()
	l.Calls = make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		l.Calls[k] = v
	}
	s.callMu.Unlock()
	return l, nil
}

// counted counts the calls of one route.
func (s *Sim) counted(route string, h func(http.ResponseWriter, *http.Request)) (string, http.HandlerFunc) {
	return route, func(w http.ResponseWriter, r *http.Request) {
		s.callMu.Lock()
		s.calls[route]++
		s.callMu.Unlock()
		h(w, r)
	}
}

// DBPath is the simulator's state file ("" in memory).
func (s *Sim) DBPath() string { return s.opt.DBPath }
