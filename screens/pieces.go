package screens

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"codepay/theme"
)

// running are the animations of the screens on show; each render stops
// them before it draws new ones, so a screen left behind stops ticking.
var running []*fyne.Animation

func startAnimation(a *fyne.Animation) {
	a.Start()
	running = append(running, a)
}

// stopAnimations stops the animations of the screens being replaced.
func stopAnimations() {
	for _, a := range running {
		a.Stop()
	}
	running = nil
}

// aimFrame puts the camera preview inside an aiming frame: four corner
// brackets in the processing colour and a scan line that sweeps up and
// down, so the customer sees where to hold the code and that the terminal
// is looking.
func aimFrame(preview fyne.CanvasObject) fyne.CanvasObject {
	size := preview.MinSize()
	const arm, thick = 36, 6
	var corners []fyne.CanvasObject
	for _, c := range [][4]float32{
		{0, 0, arm, thick}, {0, 0, thick, arm}, // top left
		{size.Width - arm, 0, arm, thick}, {size.Width - thick, 0, thick, arm}, // top right
		{0, size.Height - thick, arm, thick}, {0, size.Height - arm, thick, arm}, // bottom left
		{size.Width - arm, size.Height - thick, arm, thick}, {size.Width - thick, size.Height - arm, thick, arm},
	} {
		r := canvas.NewRectangle(theme.Processing)
		r.Move(fyne.NewPos(c[0], c[1]))
		r.Resize(fyne.NewSize(c[2], c[3]))
		corners = append(corners, r)
	}
	line := canvas.NewRectangle(color.NRGBA{R: 0x1f, G: 0x4e, B: 0xa8, A: 0x90})
	line.Resize(fyne.NewSize(size.Width-2*thick, 3))
	line.Move(fyne.NewPos(thick, thick))
	sweep := fyne.NewAnimation(1600*time.Millisecond, func(f float32) {
		line.Move(fyne.NewPos(thick, thick+f*(size.Height-2*thick-3)))
	})
	sweep.AutoReverse, sweep.RepeatCount = true, fyne.AnimationRepeatForever
	sweep.Curve = fyne.AnimationEaseInOut
	startAnimation(sweep)
	overlay := container.NewWithoutLayout(append(corners, line)...)
	frame := container.NewStack(preview, overlay)
	frame.Resize(size)
	return container.NewCenter(container.NewGridWrap(size, frame))
}

// busy is the processing animation: a block in the processing colour that
// runs along its track, so a screen that waits for the center is never
// mistaken for a frozen one.
func busy() fyne.CanvasObject {
	const width, block = 480, 120
	h := theme.Grid
	track := canvas.NewRectangle(theme.SecondaryButton)
	track.Resize(fyne.NewSize(width, h))
	run := canvas.NewRectangle(theme.Processing)
	run.Resize(fyne.NewSize(block, h))
	a := fyne.NewAnimation(1200*time.Millisecond, func(f float32) {
		run.Move(fyne.NewPos(f*(width-block), 0))
	})
	a.AutoReverse, a.RepeatCount = true, fyne.AnimationRepeatForever
	a.Curve = fyne.AnimationEaseInOut
	startAnimation(a)
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(width, h), container.NewWithoutLayout(track, run)))
}

// countdown is the bar of a screen that goes back by itself: full when it
// appears, empty when it returns at until.
func countdown(until time.Time) fyne.CanvasObject {
	left := time.Until(until)
	if until.IsZero() || left <= 0 {
		return container.NewWithoutLayout()
	}
	bar := canvas.NewRectangle(theme.Success)
	track := canvas.NewRectangle(theme.SecondaryButton)
	const width = 480
	h := theme.Grid
	bar.Resize(fyne.NewSize(width, h))
	track.Resize(fyne.NewSize(width, h))
	a := fyne.NewAnimation(left, func(f float32) { bar.Resize(fyne.NewSize(width*(1-f), h)) })
	a.Curve = fyne.AnimationLinear
	startAnimation(a)
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(width, h), container.NewWithoutLayout(track, bar)))
}

// paperCard shows receipt lines as paper: a warm white sheet with an edge
// and a shadow under it, the receipt font at body size.
func paperCard(lines string) fyne.CanvasObject {
	text := widget.NewLabel(lines)
	text.TextStyle.Monospace = true
	sheet := canvas.NewRectangle(theme.Paper)
	sheet.StrokeColor, sheet.StrokeWidth = theme.PaperEdge, 1
	shadow := canvas.NewRectangle(theme.PaperShadow)
	shadow.CornerRadius = 2
	body := container.NewPadded(container.NewPadded(text))
	card := container.NewStack(sheet, body)
	// The shadow sits a few pixels down and right of the sheet.
	return container.New(&shadowLayout{offset: theme.Grid / 2}, shadow, card)
}

// shadowLayout lays its first object (the shadow) offset under the second.
type shadowLayout struct{ offset float32 }

func (l *shadowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	inner := fyne.NewSize(size.Width-l.offset, size.Height-l.offset)
	objs[0].Move(fyne.NewPos(l.offset, l.offset))
	objs[0].Resize(inner)
	objs[1].Move(fyne.NewPos(0, 0))
	objs[1].Resize(inner)
}

func (l *shadowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m := objs[1].MinSize()
	return fyne.NewSize(m.Width+l.offset, m.Height+l.offset)
}

// segmented is a choice of one of a few options (取引明細 / 簡易明細): the
// chosen one dark with white text, the others as secondary buttons. It is
// never in the OK colour, so the choice is not read as an action.
func segmented(options []string, chosen int, choose func(int)) fyne.CanvasObject {
	row := container.NewHBox()
	for i, o := range options {
		i := i
		row.Add(container.NewGridWrap(fyne.NewSize(180, 56), newSegment(o, i == chosen, func() { choose(i) })))
	}
	return row
}

// segment is one side of a segmented control.
type segment struct {
	widget.BaseWidget
	text   string
	chosen bool
	tap    func()
}

func newSegment(text string, chosen bool, tap func()) *segment {
	s := &segment{text: text, chosen: chosen, tap: tap}
	s.ExtendBaseWidget(s)
	return s
}

func (s *segment) Tapped(*fyne.PointEvent) {
	if !s.chosen {
		s.tap()
	}
}

func (s *segment) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.SecondaryButton)
	var fg color.Color = theme.Text
	if s.chosen {
		bg.FillColor, fg = theme.Selected, color.White
	}
	bg.CornerRadius = 4
	t := canvas.NewText(s.text, fg)
	t.TextStyle.Bold = s.chosen
	t.TextSize = theme.SizeBody
	t.Alignment = fyne.TextAlignCenter
	return widget.NewSimpleRenderer(container.NewStack(bg, container.NewCenter(t)))
}
