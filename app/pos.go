package app

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"

	"codepay/app/center"
	"codepay/store"
)

// Operations of the POS link (pos-link.md section 4.1).
const (
	OpPayment      = "payment"
	OpRefund       = "refund"
	OpReprint      = "reprint"
	OpDailyTotal   = "daily_total"
	OpInterimTotal = "interim_total"
	OpAbort        = "abort"
	OpStatus       = "status"
	OpPing         = "ping"
)

// Link error codes (pos-link.md section 4.2).
const (
	CodeBadRequest   = "BAD_REQUEST"
	CodeUnknownOp    = "UNKNOWN_OP"
	CodeBusy         = "BUSY"
	CodeAborted      = "ABORTED"
	CodeNotAbortable = "NOT_ABORTABLE"
	CodeIDReused     = "ID_REUSED"
	CodeDataFull     = "DATA_FULL"
	CodeUnknownID    = "UNKNOWN_ID"
)

// Request is a POS request (POS to terminal).
type Request struct {
	Seq           int64  `json:"seq,omitempty"`
	Type          string `json:"type"`
	ID            string `json:"id"`
	Op            string `json:"op"`
	Practice      bool   `json:"practice,omitempty"`
	Amount        int64  `json:"amount,omitempty"`
	MerchantTxnID string `json:"merchantTxnId,omitempty"`
	SlipNo        string `json:"slipNo,omitempty"`
	Confirm       *bool  `json:"confirm,omitempty"`
	Target        string `json:"target,omitempty"`
	QueryID       string `json:"queryId,omitempty"`
	From          *int   `json:"from,omitempty"`
}

// Event is a progress event (terminal to POS).
type Event struct {
	Seq   int64  `json:"seq,omitempty"`
	Type  string `json:"type"`
	ID    string `json:"id"`
	Event string `json:"event"`
	// Result is the settled final result, with EvSettled only.
	Result *Result `json:"result,omitempty"`
}

// Progress events.
const (
	EvAccepted       = "accepted"
	EvWaitingCode    = "waiting_code"
	EvCodeRead       = "code_read"
	EvProcessing     = "processing"
	EvWaitingConfirm = "waiting_confirm"
	EvWaitingChoice  = "waiting_choice"
	EvRetryingCenter = "retrying_center"
	// EvSettled comes outside any request, when an outcome that was
	// unknown (outcomeUnknown true) has been settled in the background;
	// it carries the final result, which status with queryId now returns.
	EvSettled = "settled"
)

// TxnInfo describes a transaction in a result.
type TxnInfo struct {
	Kind           string `json:"kind"`
	SlipNo         string `json:"slipNo"`
	MerchantTxnID  string `json:"merchantTxnId,omitempty"`
	PaymentID      string `json:"paymentId,omitempty"`
	Brand          string `json:"brand"`
	Amount         int64  `json:"amount"`
	At             string `json:"at"`
	OriginalSlipNo string `json:"originalSlipNo,omitempty"`
}

// Receipt is a slip or report laid out for the POS printer. One too long
// for a frame comes cut: truncated is set, lines are those from line
// `from` on, totalLines is the whole receipt's count, and next (when more
// remain) is the first line of the rest, for the receipt op.
type Receipt struct {
	Width      int      `json:"width"`
	Lines      []string `json:"lines"`
	Truncated  bool     `json:"truncated,omitempty"`
	From       int      `json:"from,omitempty"`
	TotalLines int      `json:"totalLines,omitempty"`
	Next       int      `json:"next,omitempty"`
}

// ErrorInfo is the error of a failed result.
type ErrorInfo struct {
	Code           string `json:"code"`
	Message        string `json:"message"`
	OutcomeUnknown bool   `json:"outcomeUnknown"`
}

// Result is the one final result of a request (terminal to POS).
type Result struct {
	Seq      int64           `json:"seq,omitempty"`
	Type     string          `json:"type"`
	ID       string          `json:"id"`
	Op       string          `json:"op"`
	OK       bool            `json:"ok"`
	Practice bool            `json:"practice"`
	Replayed bool            `json:"replayed,omitempty"`
	Txn      *TxnInfo        `json:"txn,omitempty"`
	Receipt  *Receipt        `json:"receipt,omitempty"`
	Totals   *center.Totals  `json:"totals,omitempty"`
	Error    *ErrorInfo      `json:"error,omitempty"`
	State    string          `json:"state,omitempty"`
	Running  string          `json:"running,omitempty"`
	Result   json.RawMessage `json:"result,omitempty"`
	// Mismatch is set on a totals result whose figures and 取引明細
	// disagree: the report is not fine, and says where.
	Mismatch *Mismatch `json:"mismatch,omitempty"`
	// details are a totals report's lines, for a batch that shows it.
	details []store.Txn
}

// Reply carries events and results back to the POS that asked (the serial
// link or the on-screen panel). It must not block for long.
type Reply func(msg any)

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)
var slipPattern = regexp.MustCompile(`^[0-9]{5}$`)

// BadRequest is a request that failed validation; Field names the field.
type BadRequest struct {
	Code  string // BAD_REQUEST or UNKNOWN_OP
	Field string
	ID    string // the request id when it was readable
	Op    string
}

func (b *BadRequest) Error() string { return fmt.Sprintf("%s: %s", b.Code, b.Field) }

// ParseRequest reads and validates a request body. Unknown fields are
// ignored (forward compatibility); a field of the wrong type or out of its
// range is a BadRequest naming it.
func ParseRequest(body []byte) (Request, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return Request{}, &BadRequest{Code: CodeBadRequest, Field: "body"}
	}
	var r Request
	str := func(name string, dst *string) error {
		v, ok := raw[name]
		if !ok {
			return nil
		}
		if err := json.Unmarshal(v, dst); err != nil {
			return &BadRequest{Code: CodeBadRequest, Field: name}
		}
		return nil
	}
	if err := str("id", &r.ID); err != nil || !idPattern.MatchString(r.ID) {
		r.ID = ""
		return r, &BadRequest{Code: CodeBadRequest, Field: "id"}
	}
	bad := func(field string) (Request, error) {
		return r, &BadRequest{Code: CodeBadRequest, Field: field, ID: r.ID, Op: r.Op}
	}
	if err := str("op", &r.Op); err != nil || r.Op == "" {
		return bad("op")
	}
	if v, ok := raw["seq"]; ok && json.Unmarshal(v, &r.Seq) != nil {
		return bad("seq")
	}
	r.Type = "request"
	if v, ok := raw["practice"]; ok && json.Unmarshal(v, &r.Practice) != nil {
		return bad("practice")
	}
	switch r.Op {
	case OpPayment, OpRefund, OpReprint, OpDailyTotal, OpInterimTotal, OpAbort, OpStatus, OpPing, OpReceipt:
	default:
		return r, &BadRequest{Code: CodeUnknownOp, Field: "op", ID: r.ID, Op: r.Op}
	}
	if v, ok := raw["amount"]; ok && (r.Op == OpPayment || r.Op == OpRefund) {
		if json.Unmarshal(v, &r.Amount) != nil || r.Amount < 1 || r.Amount > 9999999 {
			return bad("amount")
		}
	}
	if r.Op == OpPayment && r.Amount == 0 {
		return bad("amount")
	}
	if err := str("merchantTxnId", &r.MerchantTxnID); err != nil || (r.MerchantTxnID != "" && !idPattern.MatchString(r.MerchantTxnID)) {
		return bad("merchantTxnId")
	}
	if err := str("slipNo", &r.SlipNo); err != nil || (r.SlipNo != "" && !slipPattern.MatchString(r.SlipNo)) {
		return bad("slipNo")
	}
	if r.Op == OpRefund && r.SlipNo == "" && r.MerchantTxnID == "" {
		return bad("slipNo")
	}
	if v, ok := raw["confirm"]; ok {
		var c bool
		if json.Unmarshal(v, &c) != nil {
			return bad("confirm")
		}
		r.Confirm = &c
	}
	if err := str("target", &r.Target); err != nil || (r.Target != "" && !idPattern.MatchString(r.Target)) {
		return bad("target")
	}
	if err := str("queryId", &r.QueryID); err != nil || (r.QueryID != "" && !idPattern.MatchString(r.QueryID)) {
		return bad("queryId")
	}
	if r.Op == OpReceipt && r.QueryID == "" {
		return bad("queryId")
	}
	if v, ok := raw["from"]; ok && r.Op == OpReceipt {
		var n int
		if json.Unmarshal(v, &n) != nil || n < 0 || n > 1000000 {
			return bad("from")
		}
		r.From = &n
	}
	return r, nil
}

// hash identifies a request's op and fields, so a reused id with other
// fields is told apart from a resend.
func (r Request) hash() string {
	c := r
	c.Seq, c.Type = 0, ""
	if c.Confirm == nil && c.Op == OpRefund {
		t := true
		c.Confirm = &t
	}
	b, _ := json.Marshal(c)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
