package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"codepay/app"
	"codepay/i18n"
)

// confirmScreen is the 取消/返品 confirmation: 加盟店取引番号, 伝票番号,
// 取引日時, 金額, 取引ブランド, then [×] or [OK].
func confirmScreen(tr *i18n.Localizer, s app.State, answer func(int64)) fyne.CanvasObject {
	o := s.Original
	form := widget.NewForm()
	if o.MerchantTxnID != "" { // as on the slip: no empty row
		form.Append(tr.T("txn.merchant_txn"), widget.NewLabel(o.MerchantTxnID))
	}
	for _, it := range []*widget.FormItem{
		widget.NewFormItem(tr.T("txn.slip"), widget.NewLabel(slipLabel(tr, *o))),
		widget.NewFormItem(tr.T("txn.at"), widget.NewLabel(o.At.In(app.JST).Format("2006/01/02 15:04:05"))),
		widget.NewFormItem(tr.T("txn.amount"), widget.NewLabel(i18n.Yen(s.Amount))),
		widget.NewFormItem(tr.T("txn.brand"), widget.NewLabel(o.Brand)),
	} {
		form.AppendItem(it)
	}
	act := once(func() {})
	buttons := container.NewHBox(
		secondaryButton(tr.T("result.close"), func() { act(); answer(0) }),
		bigButton(tr.T("result.ok"), func() { act(); answer(1) }),
	)
	return screen(heading(tr.T("confirm.title")), centred(tr.T("confirm.lead")), container.NewCenter(form), container.NewCenter(buttons))
}

// slipLabel is a slip number as shown: practice ones carry the mark.
func slipLabel(tr *i18n.Localizer, x app.Txn) string {
	if x.Practice {
		return tr.T("receipt.practice_slip", "No", x.SlipNo)
	}
	return x.SlipNo
}
