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

// Choose sets what the customer holds up next.
func (d *DemoCustomer) Choose(brand, scenario string, f codes.Format) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.brand, d.scenario, d.format = brand, scenario, f
}

// Chosen tells what the customer holds up next.
func (d *DemoCustomer) Chosen() (brand, scenario string, f codes.Format) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.brand, d.scenario, d.format
}

// Present draws the code (the demo camera calls it when a scan starts).
func (d *DemoCustomer) Present() image.Image {
	brand, scenario, f := d.Chosen()
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
