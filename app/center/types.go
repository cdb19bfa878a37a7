package center

import "encoding/json"

// Money is an OPA amount.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// Yen makes a JPY amount.
func Yen(n int64) Money { return Money{Amount: n, Currency: "JPY"} }

// ResultInfo is the status part of every response.
type ResultInfo struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	CodeID  string `json:"codeId"`
}

type envelope struct {
	ResultInfo ResultInfo      `json:"resultInfo"`
	Data       json.RawMessage `json:"data"`
}

// Payment statuses.
const (
	StatusCompleted = "COMPLETED"
	StatusFailed    = "FAILED"
	StatusCanceled  = "CANCELED"
	StatusRefunded  = "REFUNDED"
	StatusCreated   = "CREATED"
)

// PaymentRequest is the body of POST /v2/payments.
type PaymentRequest struct {
	MerchantPaymentID   string `json:"merchantPaymentId"`
	UserAuthorizationID string `json:"userAuthorizationId"`
	Amount              Money  `json:"amount"`
	RequestedAt         int64  `json:"requestedAt"`
	StoreID             string `json:"storeId,omitempty"`
	TerminalID          string `json:"terminalId,omitempty"`
	OrderReceiptNumber  string `json:"orderReceiptNumber,omitempty"`
}

// Payment is the center's record of a payment.
type Payment struct {
	PaymentID           string      `json:"paymentId"`
	Status              string      `json:"status"`
	AcceptedAt          int64       `json:"acceptedAt"`
	MerchantPaymentID   string      `json:"merchantPaymentId"`
	UserAuthorizationID string      `json:"userAuthorizationId,omitempty"`
	Amount              Money       `json:"amount"`
	RequestedAt         int64       `json:"requestedAt"`
	StoreID             string      `json:"storeId,omitempty"`
	TerminalID          string      `json:"terminalId,omitempty"`
	OrderReceiptNumber  string      `json:"orderReceiptNumber,omitempty"`
	Brand               string      `json:"brand"`
	Refunds             *RefundList `json:"refunds,omitempty"`
}

// RefundList is the refunds of a payment as OPA nests them.
type RefundList struct {
	Data []Refund `json:"data"`
}

// RefundRequest is the body of POST /v2/refunds.
type RefundRequest struct {
	MerchantRefundID string `json:"merchantRefundId"`
	PaymentID        string `json:"paymentId"`
	Amount           Money  `json:"amount"`
	RequestedAt      int64  `json:"requestedAt"`
	Reason           string `json:"reason,omitempty"`
}

// Refund is the center's record of a refund.
type Refund struct {
	Status           string `json:"status"`
	AcceptedAt       int64  `json:"acceptedAt"`
	MerchantRefundID string `json:"merchantRefundId"`
	PaymentID        string `json:"paymentId"`
	Amount           Money  `json:"amount"`
	RequestedAt      int64  `json:"requestedAt"`
	Reason           string `json:"reason,omitempty"`
}

// CountAmount is one cell of a totals report.
type CountAmount struct {
	Count  int64 `json:"count"`
	Amount int64 `json:"amount"`
}

// BrandTotals is one brand's line of a totals report.
type BrandTotals struct {
	Brand   string      `json:"brand,omitempty"`
	Sales   CountAmount `json:"sales"`
	Cancels CountAmount `json:"cancels"`
	Refunds CountAmount `json:"refunds"`
	Net     CountAmount `json:"net"`
}

// Totals is a 日計 or 中間計 report.
type Totals struct {
	TerminalID       string        `json:"terminalId"`
	Kind             string        `json:"kind"`
	SequenceNo       int64         `json:"sequenceNo,omitempty"`
	MerchantTotalsID string        `json:"merchantTotalsId,omitempty"`
	PeriodFrom       int64         `json:"periodFrom"`
	PeriodTo         int64         `json:"periodTo"`
	Brands           []BrandTotals `json:"brands"`
	Total            BrandTotals   `json:"total"`
}

// OnlineTest is the answer of the online-test call.
type OnlineTest struct {
	ServerTime     int64  `json:"serverTime"`
	TerminalStatus string `json:"terminalStatus"`
	Echo           string `json:"echo"`
	CenterVersion  string `json:"centerVersion"`
}
