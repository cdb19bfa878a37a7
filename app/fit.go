package app

import (
	"context"
	"encoding/json"
	"fmt"
)

// OpReceipt pages through the receipt of a stored result that was too
// large for one frame: queryId names the request, from the first line.
const OpReceipt = "receipt"

// CodeTooLarge is a result that cannot be made to fit a frame even with
// its receipt cut (it has no receipt to cut).
const CodeTooLarge = "RESULT_TOO_LARGE"

// EncodeForPOS encodes a message for one frame of at most max bytes. A
// result (or a settled event, or a status that holds a stored result) that
// is larger has its receipt cut to the lines that fit, with
// receipt.truncated, totalLines and next set; the rest is had with the
// receipt op. Nothing is dropped: what cannot be made to fit becomes a
// RESULT_TOO_LARGE error result for the same id, and the error says so.
func (t *Terminal) EncodeForPOS(msg any, max int) ([]byte, error) {
	b, err := json.Marshal(msg)
	if err != nil {
		return nil, err
	}
	if len(b) <= max {
		return b, nil
	}
	switch m := msg.(type) {
	case *Result:
		if f, ok := t.fitResult(m, max); ok {
			return f, nil
		}
		res := t.failResult(Request{ID: m.ID, Op: m.Op, Practice: m.Practice}, CodeTooLarge)
		out, _ := json.Marshal(res)
		return out, fmt.Errorf("result of %s (%s) is %d bytes: answered %s", m.ID, m.Op, len(b), CodeTooLarge)
	case *Event:
		if m.Result != nil {
			c := *m
			c.Result = nil
			rest, _ := json.Marshal(&c)
			if inner, ok := t.fitResult(m.Result, max-len(rest)-len(`,"result":`)); ok {
				c.Result = nil
				var e map[string]json.RawMessage
				json.Unmarshal(rest, &e)
				e["result"] = inner
				out, _ := json.Marshal(e)
				if len(out) <= max {
					return out, nil
				}
			}
			// The event without its result: status with queryId has it.
			return rest, nil
		}
	}
	return nil, fmt.Errorf("a %T of %d bytes does not fit a frame", msg, len(b))
}

// fitResult cuts r's receipt (or that of the result it holds) to fit max.
func (t *Terminal) fitResult(r *Result, max int) ([]byte, bool) {
	if r.Result != nil {
		var inner Result
		if json.Unmarshal(r.Result, &inner) != nil {
			return nil, false
		}
		c := *r
		c.Result = nil
		rest, _ := json.Marshal(&c)
		fit, ok := t.fitResult(&inner, max-len(rest)-len(`,"result":`))
		if !ok {
			return nil, false
		}
		c.Result = fit
		out, _ := json.Marshal(&c)
		return out, len(out) <= max
	}
	if r.Receipt == nil {
		return nil, false
	}
	total := r.Receipt.TotalLines
	if total == 0 {
		total = len(r.Receipt.Lines)
	}
	return fitLines(r, r.Receipt.Lines, r.Receipt.From, total, max)
}

// fitLines puts as many of lines (which start at line base of a receipt of
// total lines) in r's receipt as fit max bytes, marking the receipt as cut
// and saying where the rest starts (next) when some are left out.
func fitLines(r *Result, lines []string, base, total, max int) ([]byte, bool) {
	try := func(n int) []byte {
		c := *r
		rc := Receipt{Width: r.Receipt.Width, Lines: lines[:n], TotalLines: total, From: base}
		rc.Truncated = base > 0 || base+n < total
		if base+n < total {
			rc.Next = base + n
		}
		c.Receipt = &rc
		b, _ := json.Marshal(&c)
		return b
	}
	if b := try(len(lines)); len(b) <= max {
		return b, true
	}
	lo, hi := 0, len(lines) // the largest n that fits, by bisection
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if len(try(mid)) <= max {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	b := try(lo)
	return b, len(b) <= max && lo > 0
}

// receiptPage answers the receipt op: the lines of queryId's stored result
// from `from` on, as many as the caller's frame takes (EncodeForPOS cuts).
func (t *Terminal) receiptPage(ctx context.Context, req Request) *Result {
	stored, ok := t.storedResult(ctx, req.QueryID)
	if !ok {
		return t.failResult(req, CodeUnknownID)
	}
	if stored.Receipt == nil {
		return &Result{Type: "result", ID: req.ID, Op: req.Op, OK: true, Practice: stored.Practice,
			Receipt: &Receipt{Width: t.cfg.ReceiptWidth, Lines: []string{}}}
	}
	from := 0
	if req.From != nil {
		from = *req.From
	}
	if from > len(stored.Receipt.Lines) {
		return t.failResult(req, CodeBadRequest, "Field", "from")
	}
	lines := stored.Receipt.Lines[from:]
	return &Result{Type: "result", ID: req.ID, Op: req.Op, OK: true, Practice: stored.Practice,
		Receipt: &Receipt{Width: stored.Receipt.Width, Lines: lines, From: from, TotalLines: len(stored.Receipt.Lines),
			Truncated: from > 0}}
}

// storedResult is the final result of id, from the journal or from memory.
func (t *Terminal) storedResult(ctx context.Context, id string) (*Result, bool) {
	t.mu.Lock()
	mem, ok := t.unstored[id]
	t.mu.Unlock()
	if ok {
		return mem, true
	}
	j, seen, err := t.store.Request(ctx, id)
	if err != nil || !seen || j.Result == "" {
		return nil, false
	}
	var r Result
	if json.Unmarshal([]byte(j.Result), &r) != nil {
		return nil, false
	}
	return &r, true
}
