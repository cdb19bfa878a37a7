package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// edgeSwipe is a thin strip at the left edge: a swipe to the right opens
// the side menu (Fyne has no drawer; the strip only takes drags, so taps
// reach what lies under it).
type edgeSwipe struct {
	widget.BaseWidget
	dx     float32
	onOpen func()
}

// swipeDistance is how far a drag must go to count as a swipe.
const swipeDistance = 80

func newEdgeSwipe(onOpen func()) *edgeSwipe {
	e := &edgeSwipe{onOpen: onOpen}
	e.ExtendBaseWidget(e)
	return e
}

func (e *edgeSwipe) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(&fyne.Container{})
}

func (e *edgeSwipe) MinSize() fyne.Size { return fyne.NewSize(24, 0) }

// Dragged implements fyne.Draggable.
func (e *edgeSwipe) Dragged(ev *fyne.DragEvent) { e.dx += ev.Dragged.DX }

// DragEnd implements fyne.Draggable.
func (e *edgeSwipe) DragEnd() {
	if e.dx >= swipeDistance {
		e.onOpen()
	}
	e.dx = 0
}
