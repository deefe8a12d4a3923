package serve

import (
	"bytes"
	"unicode/utf8"
)

// The most a source page shows at once: a generated file of 100,000
// lines, or 5 MB of one line, is shown a window at a time, so that the
// page stays responsive whatever the file.
const (
	windowLines = 5000
	windowBytes = 256 << 10
)

// sourceWindow is the part of a file a source page shows.
type sourceWindow struct {
	First, Last int // its first and last line (Last < First: none)
	Total       int // the file's lines
	A, B        int // its bytes
	// Cut marks a line longer than the page's budget, shown in part.
	Cut bool
}

// Whole reports whether the window is the whole file.
func (w sourceWindow) Whole() bool { return w.First <= 1 && w.Last >= w.Total && !w.Cut }

// windowOf chooses the lines of src a page shows: around line centre,
// from line from on, or up to line to (the first of them that is set,
// else from the first line), at most windowLines lines and windowBytes
// bytes, always at least the anchor line.
func windowOf(src []byte, centre, from, to int) sourceWindow {
	total := bytes.Count(src, []byte("\n"))
	if len(src) > 0 && src[len(src)-1] != '\n' {
		total++
	}
	if total == 0 {
		return sourceWindow{First: 1}
	}
	anchor, forward, backward := 1, true, true
	switch {
	case centre > 0:
		anchor = centre
	case from > 0:
		anchor, backward = from, false
	case to > 0:
		anchor, forward = to, false
	}
	anchor = min(max(anchor, 1), total)
	// The anchor line's bytes.
	a := 0
	for line := 1; line < anchor; line++ {
		a += bytes.IndexByte(src[a:], '\n') + 1
	}
	b := lineEnd(src, a)
	w := sourceWindow{First: anchor, Last: anchor, Total: total, A: a, B: b}
	if b-a > windowBytes {
		w.B = a + windowBytes
		for w.B > a && !utf8.RuneStart(src[w.B]) {
			w.B--
		}
		w.Cut = true
		return w
	}
	grow := func(after bool) bool {
		if w.Last-w.First+1 >= windowLines {
			return false
		}
		if after {
			if w.Last >= total {
				return false
			}
			if e := lineEnd(src, w.B); e-w.A <= windowBytes {
				w.B, w.Last = e, w.Last+1
				return true
			}
			return false
		}
		if w.First <= 1 {
			return false
		}
		s := bytes.LastIndexByte(src[:w.A-1], '\n') + 1
		if w.B-s <= windowBytes {
			w.A, w.First = s, w.First-1
			return true
		}
		return false
	}
	// Grow in the asked direction; the other side fills what is left
	// (the end of the file seen from its last window, say).
	for {
		grew := false
		if forward && grow(true) {
			grew = true
		}
		if backward && grow(false) {
			grew = true
		}
		if !grew {
			break
		}
	}
	if !forward || !backward {
		for grow(!forward) {
		}
	}
	return w
}

// lineEnd is the end of the line that starts at a, its newline included.
func lineEnd(src []byte, a int) int {
	if e := bytes.IndexByte(src[a:], '\n'); e >= 0 {
		return a + e + 1
	}
	return len(src)
}
