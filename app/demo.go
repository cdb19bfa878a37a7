package app

import (
	"image"
	"sync"

	"codepay/app/center"
	"codepay/device/codes"
)

// DemoCustomer is the customer of the hardware-free demo: the code their
// wallet app shows when the demo camera looks. Each presentation is a fresh
// single-use code of the chosen brand and simulator scenario.
type DemoCustomer struct {
	mu       sync.Mutex
	brand    string
	scenario string
	format   codes.Format
}

// NewDemoCustomer starts with a PayPay code that the simulator accepts.
func NewDemoCustomer() *DemoCustomer {
	return &DemoCustomer{brand: "PayPay", scenario: "ok", format: codes.QR}
}

// Choose sets what the customer holds up next (format QR_CODE or CODE_128).
func (d *DemoCustomer) Choose(brand, scenario, format string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.brand, d.scenario, d.format = brand, scenario, codes.Format(format)
}

// Chosen tells what the customer holds up next.
func (d *DemoCustomer) Chosen() (brand, scenario, format string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.brand, d.scenario, string(d.format)
}

// Present draws the code (the demo camera calls it when a scan starts).
func (d *DemoCustomer) Present() image.Image {
	brand, scenario, format := d.Chosen()
	f := codes.Format(format)
	b, ok := codes.BrandByName(brand)
	if !ok {
		return nil
	}
	sc, ok := center.ScenarioByName(scenario)
	if !ok {
		return nil
	}
	img, err := codes.Encode(center.SampleCode(b, sc, f == codes.QR), f, 300)
	if err != nil {
		return nil
	}
	return img
}

// DemoChoices lists what the demo customer can hold up: brands, simulator
// scenarios and symbologies, for the POS panel's selectors.
func DemoChoices() (brands, scenarios, formats []string) {
	for _, b := range codes.Brands {
		brands = append(brands, b.Name)
	}
	for _, s := range center.Scenarios {
		scenarios = append(scenarios, s.Name)
	}
	return brands, scenarios, []string{string(codes.QR), string(codes.Code128)}
}

// CustomerLangs are the languages a brand's users read, besides ja and en,
// for the customer display.
func CustomerLangs(brand string) []string {
	if b, ok := codes.BrandByName(brand); ok {
		return b.Langs
	}
	return nil
}
