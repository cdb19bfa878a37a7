package center

import (
	"crypto/rand"
	"fmt"
	"math/big"

	"codepay/device/codes"
)

// Scenario names what the simulator does with a payment made with a code.
// The scenario travels inside the code: the two digits after the brand's
// prefix are its number, so a printed sample code always gets the same answer.
type Scenario struct {
	Name   string
	Number int
	// What the terminal shows in the end, for the README's table.
	Outcome string
}

// Scenarios is every scenario of the simulator, by number.
var Scenarios = []Scenario{
	{"ok", 0, "completed"},
	{"unknown_code", 1, "Q1ET0002"},
	{"other_merchant", 2, "Q1ET0004"},
	{"insufficient", 3, "Q1ET0006"},
	{"merchant_limit", 4, "Q1ET0007"},
	{"expired", 5, "Q1ET000A"},
	{"failed", 6, "Q1ET0030"},
	{"service_error", 7, "Q1ET0012"},
	{"maintenance", 8, "Q1ET0028"},
	{"user_inactive", 9, "Q1ET0050"},
	{"slow", 10, "Q1ET002C (answer after the time-out; the terminal cancels)"},
	{"lost", 11, "completed (connection dropped after the payment; the inquiry finds it)"},
	{"error_500_done", 12, "completed (500 although done; the inquiry finds it)"},
	{"lost_early", 13, "Q1ET002D (connection dropped before the payment; the terminal cancels)"},
	{"bad_gateway", 14, "Q1ET002D (502; the terminal cancels)"},
	{"invalid_params", 15, "Q1ET0021"},
	{"rate_limit", 16, "Q1ET0028"},
	{"unsettled", 17, "Q1ET0042 (502, and inquiry and cancel fail until the window closes)"},
	{"bank_error", 18, "Q1ET0003 (the customer's bank refused: wrong PIN or its system failed)"},
	{"center_canceled", 19, "Q1ET0009 (502; the center had already cancelled the payment itself)"},
}

// ScenarioByName finds a scenario.
func ScenarioByName(name string) (Scenario, bool) {
	for _, s := range Scenarios {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}

func scenarioOf(brand codes.Brand, digits string) Scenario {
	for _, p := range brand.Prefixes {
		if len(digits) >= len(p)+2 && digits[:len(p)] == p {
			n := int(digits[len(p)]-'0')*10 + int(digits[len(p)+1]-'0')
			for _, s := range Scenarios {
				if s.Number == n {
					return s
				}
			}
			// Numbers without a scenario are unknown codes: no brand issued them.
			return Scenarios[1]
		}
	}
	return Scenarios[1]
}

// SampleCode makes a fresh customer code of a brand that the simulator
// answers with the scenario. QR codes of JPQR brands carry the JPQR payload;
// the others carry the digits, as the wallets do.
func SampleCode(brand codes.Brand, scenario Scenario, qr bool) string {
	p := brand.Prefixes[0]
	digits := p + fmt.Sprintf("%02d", scenario.Number)
	for len(digits) < brand.Length {
		n, _ := rand.Int(rand.Reader, big.NewInt(10))
		digits += n.String()
	}
	if qr && brand.JPQR != "" {
		return codes.EncodeJPQR(brand.JPQR, digits)
	}
	return digits
}
