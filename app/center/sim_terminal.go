package center

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"time"
)

// totalsOpen sums the terminal's events not yet closed by a 日計.
func (s *Sim) totalsOpen(tx interface {
	Query(string, ...any) (*sql.Rows, error)
	QueryRow(string, ...any) *sql.Row
}, tid, kind string) (Totals, error) {
	t := Totals{TerminalID: tid, Kind: kind, PeriodTo: s.opt.Now().Unix(), Brands: []BrandTotals{}}
	tx.QueryRow(`SELECT COALESCE(MAX(period_to), 0) FROM closes WHERE terminal_id=?`, tid).Scan(&t.PeriodFrom)
	rows, err := tx.Query(`SELECT brand, kind, COUNT(*), SUM(amount) FROM events WHERE terminal_id=? AND close_seq IS NULL GROUP BY brand, kind`, tid)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	byBrand := map[string]*BrandTotals{}
	for rows.Next() {
		var brand, k string
		var ca CountAmount
		if err := rows.Scan(&brand, &k, &ca.Count, &ca.Amount); err != nil {
			return t, err
		}
		b := byBrand[brand]
		if b == nil {
			b = &BrandTotals{Brand: brand}
			byBrand[brand] = b
		}
		switch k {
		case "sale":
			b.Sales = ca
		case "cancel":
			b.Cancels = ca
		case "refund":
			b.Refunds = ca
		}
	}
	if err := rows.Err(); err != nil {
		return t, err
	}
	for _, b := range byBrand {
		b.Net = CountAmount{Count: b.Sales.Count - b.Cancels.Count - b.Refunds.Count, Amount: b.Sales.Amount - b.Cancels.Amount - b.Refunds.Amount}
		t.Brands = append(t.Brands, *b)
	}
	sort.Slice(t.Brands, func(i, j int) bool { return t.Brands[i].Brand < t.Brands[j].Brand })
	t.Total = SumTotals(t.Brands)
	return t, nil
}

// SumTotals adds brand lines into a total line.
func SumTotals(bs []BrandTotals) BrandTotals {
	var tot BrandTotals
	for _, b := range bs {
		tot.Sales.Count += b.Sales.Count
		tot.Sales.Amount += b.Sales.Amount
		tot.Cancels.Count += b.Cancels.Count
		tot.Cancels.Amount += b.Cancels.Amount
		tot.Refunds.Count += b.Refunds.Count
		tot.Refunds.Amount += b.Refunds.Amount
		tot.Net.Count += b.Net.Count
		tot.Net.Amount += b.Net.Amount
	}
	return tot
}

func (s *Sim) dailyTotals(w http.ResponseWriter, r *http.Request) {
	tid := r.PathValue("tid")
	var req struct {
		MerchantTotalsID string `json:"merchantTotalsId"`
		RequestedAt      int64  `json:"requestedAt"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || !merchantIDPattern.MatchString(req.MerchantTotalsID) {
		writeErr(w, 400, "INVALID_PARAMS", "merchantTotalsId is required")
		return
	}
	if s.opt.Suspended[tid] {
		writeErr(w, 401, "OP_OUT_OF_SCOPE", "terminal suspended")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var body string
	if err := s.db.QueryRow(`SELECT body FROM closes WHERE terminal_id=? AND merchant_totals_id=?`, tid, req.MerchantTotalsID).Scan(&body); err == nil {
		writeJSON(w, 200, "SUCCESS", "Success", json.RawMessage(body))
		return
	}
	tx, err := s.db.Begin()
	if err != nil {
		writeErr(w, 500, "INTERNAL_SERVER_ERROR", "store failed")
		return
	}
	defer tx.Rollback()
	t, err := s.totalsOpen(tx, tid, "DAILY")
	if err != nil {
		writeErr(w, 500, "INTERNAL_SERVER_ERROR", "store failed")
		return
	}
	tx.QueryRow(`SELECT COALESCE(MAX(seq), 0) + 1 FROM closes WHERE terminal_id=?`, tid).Scan(&t.SequenceNo)
	t.MerchantTotalsID = req.MerchantTotalsID
	b, _ := json.Marshal(t)
	_, err1 := tx.Exec(`UPDATE events SET close_seq=? WHERE terminal_id=? AND close_seq IS NULL`, t.SequenceNo, tid)
	_, err2 := tx.Exec(`INSERT INTO closes(terminal_id, merchant_totals_id, seq, period_from, period_to, body) VALUES (?,?,?,?,?,?)`, tid, req.MerchantTotalsID, t.SequenceNo, t.PeriodFrom, t.PeriodTo, string(b))
	if err1 != nil || err2 != nil || tx.Commit() != nil {
		writeErr(w, 500, "INTERNAL_SERVER_ERROR", "store failed")
		return
	}
	writeJSON(w, 201, "SUCCESS", "Success", t)
}

func (s *Sim) getDaily(w http.ResponseWriter, r *http.Request) {
	var body string
	s.mu.Lock()
	err := s.db.QueryRow(`SELECT body FROM closes WHERE terminal_id=? AND merchant_totals_id=?`, r.PathValue("tid"), r.PathValue("mid")).Scan(&body)
	s.mu.Unlock()
	if err != nil {
		writeErr(w, 404, "RESOURCE_NOT_FOUND", "no such totals")
		return
	}
	writeJSON(w, 200, "SUCCESS", "Success", json.RawMessage(body))
}

func (s *Sim) interimTotals(w http.ResponseWriter, r *http.Request) {
	tid := r.PathValue("tid")
	if s.opt.Suspended[tid] {
		writeErr(w, 401, "OP_OUT_OF_SCOPE", "terminal suspended")
		return
	}
	s.mu.Lock()
	t, err := s.totalsOpen(s.db, tid, "INTERIM")
	s.mu.Unlock()
	if err != nil {
		writeErr(w, 500, "INTERNAL_SERVER_ERROR", "store failed")
		return
	}
	writeJSON(w, 200, "SUCCESS", "Success", t)
}

// CenterVersion is what the online test reports.
const CenterVersion = "codepay-sim/1"

func (s *Sim) onlineTest(w http.ResponseWriter, r *http.Request) {
	var req struct {
		RequestedAt int64  `json:"requestedAt"`
		Echo        string `json:"echo"`
	}
	json.NewDecoder(r.Body).Decode(&req)
	status := "ACTIVE"
	if s.opt.Suspended[r.PathValue("tid")] {
		status = "SUSPENDED"
	}
	writeJSON(w, 200, "SUCCESS", "Success", OnlineTest{ServerTime: s.opt.Now().Unix(), TerminalStatus: status, Echo: req.Echo, CenterVersion: CenterVersion})
}

// SalesReport is the body of a 売上報告.
type SalesReport struct {
	MerchantReportID string `json:"merchantReportId"`
	RequestedAt      int64  `json:"requestedAt"`
	Basic            struct {
		SalesDate string `json:"salesDate"`
		StoreCode string `json:"storeCode"`
		StaffCode string `json:"staffCode"`
	} `json:"basic"`
	Figures struct {
		NetSales      int64         `json:"netSales"`
		TaxAndOther   int64         `json:"taxAndOther"`
		CustomerCount int64         `json:"customerCount"`
		Extra         []ReportExtra `json:"extra"`
	} `json:"figures"`
	TerminalID string `json:"terminalId,omitempty"`
	AcceptedAt int64  `json:"acceptedAt,omitempty"`
}

// ReportExtra is one of the up to 60 free items of a sales report.
type ReportExtra struct {
	No    int   `json:"no"`
	Value int64 `json:"value"`
}

// Validate applies the center's rules to a report.
func (rep *SalesReport) Validate() error {
	if !merchantIDPattern.MatchString(rep.MerchantReportID) {
		return fmt.Errorf("merchantReportId is invalid")
	}
	if _, err := time.Parse("20060102", rep.Basic.SalesDate); err != nil {
		return fmt.Errorf("salesDate must be YYYYMMDD")
	}
	f := rep.Figures
	if f.NetSales < 0 || f.TaxAndOther < 0 || f.CustomerCount < 0 {
		return fmt.Errorf("figures must not be negative")
	}
	if len(f.Extra) > 60 {
		return fmt.Errorf("at most 60 extra items")
	}
	seen := map[int]bool{}
	for _, e := range f.Extra {
		if e.No < 1 || e.No > 60 || seen[e.No] || e.Value < 0 {
			return fmt.Errorf("extra item %d is invalid", e.No)
		}
		seen[e.No] = true
	}
	return nil
}

func (s *Sim) salesReport(w http.ResponseWriter, r *http.Request) {
	tid := r.PathValue("tid")
	var rep SalesReport
	if err := json.NewDecoder(r.Body).Decode(&rep); err != nil {
		writeErr(w, 400, "INVALID_PARAMS", "body is not JSON")
		return
	}
	if err := rep.Validate(); err != nil {
		writeErr(w, 400, "INVALID_PARAMS", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var body string
	if err := s.db.QueryRow(`SELECT body FROM reports WHERE terminal_id=? AND merchant_report_id=?`, tid, rep.MerchantReportID).Scan(&body); err == nil {
		writeJSON(w, 200, "SUCCESS", "Success", json.RawMessage(body))
		return
	}
	rep.TerminalID, rep.AcceptedAt = tid, s.opt.Now().Unix()
	b, _ := json.Marshal(rep)
	if _, err := s.db.Exec(`INSERT INTO reports(terminal_id, merchant_report_id, body) VALUES (?,?,?)`, tid, rep.MerchantReportID, string(b)); err != nil {
		writeErr(w, 500, "INTERNAL_SERVER_ERROR", "store failed")
		return
	}
	writeJSON(w, 201, "SUCCESS", "Success", rep)
}

// ReportFormat is the contract's labels for the report form.
type ReportFormat struct {
	NetSales      string        `json:"netSales"`
	TaxAndOther   string        `json:"taxAndOther"`
	CustomerCount string        `json:"customerCount"`
	Extra         []ReportLabel `json:"extra"`
}

// ReportLabel names one extra item.
type ReportLabel struct {
	No    int    `json:"no"`
	Label string `json:"label"`
}

func (s *Sim) salesReportFormat(w http.ResponseWriter, r *http.Request) {
	f := DefaultReportFormat()
	if s.opt.ReportFormat != nil {
		f = *s.opt.ReportFormat
	}
	writeJSON(w, 200, "SUCCESS", "Success", f)
}

// DefaultReportFormat is the simulator's contract: the labels of the
// report form (a real aggregation center sends the merchant's own).
func DefaultReportFormat() ReportFormat {
	f := ReportFormat{NetSales: "純売上金額", TaxAndOther: "税・その他金額", CustomerCount: "来客数"}
	labels := []string{"現金売上", "クレジット売上", "電子マネー売上", "QR売上", "値引額", "返品額"}
	for i := 1; i <= 60; i++ {
		l := fmt.Sprintf("その他%02d", i)
		if i <= len(labels) {
			l = labels[i-1]
		}
		f.Extra = append(f.Extra, ReportLabel{No: i, Label: l})
	}
	return f
}

// Label is the label of extra item no.
func (f ReportFormat) Label(no int) string {
	for _, l := range f.Extra {
		if l.No == no {
			return l.Label
		}
	}
	return fmt.Sprintf("#%d", no)
}
