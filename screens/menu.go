package screens

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"codepay/app"
	"codepay/i18n"
	"codepay/theme"
)

// Menu pages: which page of 業務メニュー the staff is on. This is view
// state only; what each item does is the app's business.
type menuPage string

const (
	pageNone      menuPage = ""
	pageDrawer    menuPage = "drawer"
	pagePassword  menuPage = "password"
	pageMenu      menuPage = "menu"
	pageDaily     menuPage = "daily"
	pageQR        menuPage = "qr"
	pageConfirm   menuPage = "confirm_op"
	pageDailyList menuPage = "daily_list"
	pageUnsettled menuPage = "unsettled"
	// pageSetPassword asks for the staff password of a terminal that has
	// none (not the demo): entered twice, before 業務メニュー can open.
	pageSetPassword menuPage = "set_password"
	pagePractice    menuPage = "practice"
)

// menuUI holds the menu's view state.
type menuUI struct {
	u        *UI
	page     menuPage
	back     menuPage
	pending  string // the operation awaiting [QR] → [OK]
	password string
	first    string // the new password entered once, on pageSetPassword
	message  string
	// The lists of 日計再印字 and 要確認 are read from the store once, when
	// their page opens, not at every redraw.
	reports   []app.Report
	unsettled []app.Txn
	listErr   error
}

func (m *menuUI) show(p menuPage) {
	m.page = p
	switch p {
	case pageDailyList:
		m.reports, m.listErr = m.u.term.DailyHistory(context.Background())
	case pageUnsettled:
		m.unsettled, m.listErr = m.u.term.Unsettled(context.Background())
	}
	m.u.refresh()
}

func (m *menuUI) close() {
	m.page = pageNone
	m.u.refresh()
}

// drawer is the side menu opened by the swipe from the left edge.
func (m *menuUI) drawer(tr *i18n.Localizer) fyne.CanvasObject {
	items := container.NewVBox(
		widget.NewLabelWithStyle(tr.T("menu.drawer"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		menuButton(tr.T("menu.business"), func() {
			m.password, m.first, m.message = "", "", ""
			if m.u.term.NeedsPassword() {
				m.show(pageSetPassword)
				return
			}
			m.show(pagePassword)
		}),
		menuButton(tr.T("menu.close"), m.close),
	)
	bg := canvas.NewRectangle(theme.StatusBarColor)
	bg.SetMinSize(fyne.NewSize(300, 0)) // as wide as a thumb's reach, as tall as the screen
	panel := container.NewStack(bg, container.NewPadded(items))
	scrim := widget.NewButton("", m.close) // a tap outside closes the drawer
	scrim.Importance = widget.LowImportance
	return container.NewBorder(nil, nil, panel, nil, scrim)
}

// passwordPage is the staff password keypad in front of 業務メニュー.
func (m *menuUI) passwordPage(tr *i18n.Localizer) fyne.CanvasObject {
	dots := ""
	for range m.password {
		dots += "●"
	}
	entry := heading(dots)
	if dots == "" {
		entry = heading(" ")
	}
	msg := centred(m.message)
	login := func() {
		err := m.u.term.Login(context.Background(), m.password)
		m.password = ""
		switch {
		case err == nil:
			m.message = ""
			m.show(pageMenu)
			return
		case errors.Is(err, app.ErrLocked):
			m.message = tr.T("menu.locked", "S", int(m.u.term.LockedFor().Seconds()+0.999))
		default:
			m.message = tr.T("menu.wrong_password")
		}
		m.u.refresh()
	}
	return m.pinPage(tr, tr.T("menu.password"), entry, msg, login)
}

// pinPage is a password keypad page: the title, the dots, a message, the
// keys, [×] and [OK].
func (m *menuUI) pinPage(tr *i18n.Localizer, title string, entry, msg fyne.CanvasObject, ok func()) fyne.CanvasObject {
	pad := keypad(func(d string) {
		if len(m.password) < 12 {
			m.password += d
			m.u.refresh()
		}
	}, func() { m.password = ""; m.u.refresh() }, tr.T("posp.clear"))
	buttons := container.NewHBox(secondaryButton(tr.T("result.close"), m.close), bigButton(tr.T("result.ok"), ok))
	return screen(heading(title), entry, msg, container.NewCenter(pad), container.NewCenter(buttons))
}

// setPasswordPage sets the first staff password: entered, then entered
// again; at least four digits.
func (m *menuUI) setPasswordPage(tr *i18n.Localizer) fyne.CanvasObject {
	dots := strings.Repeat("●", len(m.password))
	entry := heading(" ")
	if dots != "" {
		entry = heading(dots)
	}
	title := tr.T("menu.set_password")
	if m.first != "" {
		title = tr.T("menu.set_password_again")
	}
	ok := func() {
		pw := m.password
		m.password = ""
		switch {
		case m.first == "" && len(pw) < 4:
			m.message = tr.T("menu.password_short")
		case m.first == "":
			m.first, m.message = pw, ""
		case pw != m.first:
			m.first, m.message = "", tr.T("menu.password_mismatch")
		default:
			m.first = ""
			if err := m.u.term.SetFirstPassword(pw); err != nil {
				m.message = tr.T("menu.password_not_saved")
				break
			}
			m.message = tr.T("menu.password_saved")
			m.show(pagePassword)
			return
		}
		m.u.refresh()
	}
	return m.pinPage(tr, title, entry, centred(m.message), ok)
}

// mainMenu is 業務メニュー (or the practice menu in practice mode).
func (m *menuUI) mainMenu(tr *i18n.Localizer) fyne.CanvasObject {
	t := m.u.term
	// In practice mode the menu stays yellow and practice stays on until
	// 業務メニュー終了, as the manual says (前の画面に戻る only comes back here).
	return m.list(tr, tr.T("menu.title"),
		menuButton(tr.T("menu.daily_group"), func() { m.show(pageDaily) }),
		menuButton(tr.T("menu.qr_group"), func() { m.show(pageQR) }),
		menuButton(tr.T("menu.practice"), func() { t.SetPractice(true); m.show(pagePractice) }),
		menuButton(tr.T("menu.exit"), func() { t.Logout(); m.close() }),
	)
}

// practiceMenu is the list of 業務 that can be practised.
func (m *menuUI) practiceMenu(tr *i18n.Localizer) fyne.CanvasObject {
	t := m.u.term
	return m.list(tr, tr.T("menu.practice_title"),
		m.opItem(tr, "menu.daily", app.OpDailyTotal),
		m.opItem(tr, "menu.batch_daily", app.OpBatchDaily),
		m.opItem(tr, "menu.interim", app.OpInterimTotal),
		m.opItem(tr, "menu.batch_interim", app.OpBatchInterim),
		m.opItem(tr, "menu.sales_report", app.OpSalesReport),
		menuButton(tr.T("menu.back"), func() { m.show(pageMenu) }),
		menuButton(tr.T("menu.exit"), func() { t.Logout(); m.close() }),
	)
}

func (m *menuUI) dailyMenu(tr *i18n.Localizer) fyne.CanvasObject {
	return m.list(tr, tr.T("menu.daily_group"),
		m.opItem(tr, "menu.daily", app.OpDailyTotal),
		m.opItem(tr, "menu.batch_daily", app.OpBatchDaily),
		m.opItem(tr, "menu.interim", app.OpInterimTotal),
		m.opItem(tr, "menu.batch_interim", app.OpBatchInterim),
		m.opItem(tr, "menu.sales_report", app.OpSalesReport),
		menuButton(tr.T("menu.back"), func() { m.show(pageMenu) }),
	)
}

func (m *menuUI) qrMenu(tr *i18n.Localizer) fyne.CanvasObject {
	return m.list(tr, tr.T("menu.qr_group"),
		menuButton(tr.T("menu.reprint"), func() { m.run(app.OpReprint) }),
		menuButton(tr.T("menu.daily_reprint"), func() { m.show(pageDailyList) }),
		menuButton(tr.T("menu.online_test"), func() { m.run(app.OpOnlineTest) }),
		menuButton(tr.T("menu.unsettled"), func() { m.show(pageUnsettled) }),
		menuButton(tr.T("menu.back"), func() { m.show(pageMenu) }),
	)
}

// unsettledList is the 要確認 list: payments whose outcome the center has
// not told yet; the terminal keeps asking in the background.
func (m *menuUI) unsettledList(tr *i18n.Localizer) fyne.CanvasObject {
	list, err := m.unsettled, m.listErr
	if err != nil {
		return screen(heading(tr.T("error.QRNE0105.message")))
	}
	col := container.NewVBox()
	for _, x := range list {
		col.Add(widget.NewLabel(fmt.Sprintf("%s  %s  %s  %s  %s  %s", slipLabel(tr, x), x.At.In(app.JST).Format("01/02 15:04:05"),
			tr.T("txn.kind."+x.Kind), x.Brand, i18n.Yen(x.Amount), x.ErrorCode)))
	}
	if len(list) == 0 {
		col.Add(centred(tr.T("unsettled.none")))
	}
	back := container.NewCenter(secondaryButton(tr.T("menu.back"), func() { m.show(pageQR) }))
	return container.NewBorder(container.NewVBox(heading(tr.T("menu.unsettled")), centred(tr.T("unsettled.lead"))), back, nil, nil, container.NewVScroll(col))
}

// opItem asks [QR] → [OK] (or [OK] alone) before a 業務, as the manual does:
// no 業務 starts without its own confirmation.
func (m *menuUI) opItem(tr *i18n.Localizer, key, op string) fyne.CanvasObject {
	return menuButton(tr.T(key), func() {
		m.pending, m.back = op, m.page
		m.show(pageConfirm)
	})
}

func (m *menuUI) confirmOp(tr *i18n.Localizer) fyne.CanvasObject {
	op := m.pending
	selected := op == app.OpBatchDaily || op == app.OpBatchInterim
	var services []fyne.CanvasObject
	for _, s := range m.u.term.Services() {
		if op == app.OpSalesReport {
			break // 売上報告 → [OK]: no service to choose
		}
		if op == app.OpDailyTotal || op == app.OpInterimTotal {
			if s.Name() != "QR" {
				continue
			}
		}
		b := widget.NewButton(s.Name(), func() {})
		b.Importance = widget.HighImportance
		services = append(services, touch(b))
	}
	// Once started, the menu goes back to the list the 業務 came from: the
	// [OK] that ends its report lands there, and a second tap can never
	// start the same 業務 again without its confirmation.
	ok := once(func() {
		m.page = m.back
		m.run(op)
	})
	buttons := container.NewHBox(secondaryButton(tr.T("result.close"), func() { m.show(m.back) }), bigButton(tr.T("result.ok"), ok))
	lead := tr.T("menu.confirm_one")
	switch {
	case selected:
		lead = tr.T("menu.confirm_batch")
	case op == app.OpSalesReport:
		lead = tr.T("menu.confirm_sales")
	}
	return screen(heading(tr.T("menu.op."+op)), centred(lead), container.NewCenter(container.NewHBox(services...)), container.NewCenter(buttons))
}

// run starts a menu operation; its screens follow the app's state.
func (m *menuUI) run(op string) {
	if !m.u.term.StartLocal(op) {
		m.message = m.u.tr.T("error.BUSY.message")
	}
}

// dailyList is the 日計再印字 list.
func (m *menuUI) dailyList(tr *i18n.Localizer) fyne.CanvasObject {
	reps, err := m.reports, m.listErr
	if err != nil {
		return screen(heading(tr.T("error.QRNE0105.message")))
	}
	var chosen int64
	list := widget.NewList(func() int { return len(reps) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := reps[i]
			o.(*widget.Label).SetText(fmt.Sprintf("%s %d  %s", tr.T("report.seq"), r.Seq, r.At.In(app.JST).Format("2006/01/02 15:04")))
		})
	list.OnSelected = func(i widget.ListItemID) { chosen = reps[i].ID }
	ok := func() {
		if chosen != 0 {
			m.u.term.ShowDailyReprint(context.Background(), chosen, app.DetailFull)
		}
	}
	buttons := container.NewCenter(container.NewHBox(secondaryButton(tr.T("result.close"), func() { m.show(pageQR) }), bigButton(tr.T("result.ok"), ok)))
	top := heading(tr.T("menu.daily_reprint_choose"))
	if len(reps) == 0 {
		return screen(top, centred(tr.T("menu.daily_reprint_empty")), buttons)
	}
	return container.NewBorder(top, buttons, nil, nil, list)
}

func (m *menuUI) list(tr *i18n.Localizer, title string, items ...fyne.CanvasObject) fyne.CanvasObject {
	col := container.NewVBox(heading(title))
	if m.message != "" {
		col.Add(centred(m.message))
	}
	grid := container.NewGridWithColumns(2, items...)
	col.Add(container.NewCenter(container.NewGridWrap(fyne.NewSize(640, float32(72*((len(items)+1)/2))), grid)))
	return container.NewVBox(layout.NewSpacer(), col, layout.NewSpacer())
}

func menuButton(text string, tap func()) fyne.CanvasObject {
	b := widget.NewButton(text, tap)
	return container.NewGridWrap(fyne.NewSize(300, 64), b)
}
