package serve

import (
	"bytes"
	"strings"
	"testing"
)

func TestWindowOf(t *testing.T) {
	lines := func(n int) []byte { return bytes.Repeat([]byte("let x = 1;\n"), n) }
	tests := []struct {
		name               string
		src                []byte
		centre, from, to   int
		first, last, total int
		cut                bool
	}{
		{name: "empty", src: nil, first: 1, last: 0, total: 0},
		{name: "small file whole", src: lines(30), centre: 12, first: 1, last: 30, total: 30},
		{name: "no final newline", src: []byte("a\nb"), first: 1, last: 2, total: 2},
		{name: "centred", src: lines(12000), centre: 6000, first: 3501, last: 8500, total: 12000},
		{name: "centre beyond the end", src: lines(12000), centre: 99999, first: 7001, last: 12000, total: 12000},
		{name: "from near the end fills backwards", src: lines(12000), from: 11000, first: 7001, last: 12000, total: 12000},
		{name: "from", src: lines(12000), from: 5001, first: 5001, last: 10000, total: 12000},
		{name: "to near the start fills forwards", src: lines(12000), to: 100, first: 1, last: 5000, total: 12000},
		{name: "to", src: lines(12000), to: 10000, first: 5001, last: 10000, total: 12000},
		{name: "nothing asked starts at the top", src: lines(12000), first: 1, last: 5000, total: 12000},
		{name: "one long line is cut", src: bytes.Repeat([]byte("é"), windowBytes), first: 1, last: 1, total: 1, cut: true},
		{name: "bytes bound the lines", src: bytes.Repeat([]byte(strings.Repeat("x", 1023)+"\n"), 1000), centre: 500, first: 373, last: 628, total: 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := windowOf(tt.src, tt.centre, tt.from, tt.to)
			if w.First != tt.first || w.Last != tt.last || w.Total != tt.total || w.Cut != tt.cut {
				t.Errorf("window %d-%d of %d (cut %v), want %d-%d of %d (cut %v)", w.First, w.Last, w.Total, w.Cut, tt.first, tt.last, tt.total, tt.cut)
			}
			checkWindow(t, tt.src, w, max(tt.centre, tt.from, tt.to))
		})
	}
}

// checkWindow checks what every window must be: at most the budget,
// whole lines (unless cut), their bytes, and the anchor among them.
func checkWindow(t *testing.T, src []byte, w sourceWindow, anchor int) {
	t.Helper()
	if w.Total == 0 {
		return
	}
	if w.B-w.A > windowBytes || w.Last-w.First+1 > windowLines || w.First < 1 || w.Last > w.Total || w.First > w.Last {
		t.Fatalf("window %+v breaks its budget", w)
	}
	a := min(max(anchor, 1), w.Total)
	if a < w.First || a > w.Last {
		t.Fatalf("window %d-%d lacks its anchor %d", w.First, w.Last, a)
	}
	if w.Cut {
		if w.First != w.Last {
			t.Fatalf("a cut window holds %d lines", w.Last-w.First+1)
		}
		return
	}
	start := 0
	for line := 1; line < w.First; line++ {
		start += bytes.IndexByte(src[start:], '\n') + 1
	}
	if start != w.A {
		t.Fatalf("line %d starts at byte %d, the window at %d", w.First, start, w.A)
	}
	part := src[w.A:w.B]
	n := bytes.Count(part, []byte("\n"))
	if w.B == len(src) && len(src) > 0 && src[len(src)-1] != '\n' {
		n++
	}
	if n != w.Last-w.First+1 || (w.B < len(src) && src[w.B-1] != '\n') {
		t.Fatalf("bytes %d-%d are not lines %d-%d", w.A, w.B, w.First, w.Last)
	}
}

// FuzzWindow checks the window's invariants on any file and request.
func FuzzWindow(f *testing.F) {
	f.Add([]byte("a\nb\nc\n"), 2, 0, 0)
	f.Add([]byte("\n\n\n"), 0, 3, 0)
	f.Add([]byte("x"), 0, 0, 7)
	f.Fuzz(func(t *testing.T, src []byte, centre, from, to int) {
		w := windowOf(src, centre, from, to)
		anchor := 1
		switch {
		case centre > 0:
			anchor = centre
		case from > 0:
			anchor = from
		case to > 0:
			anchor = to
		}
		checkWindow(t, src, w, anchor)
	})
}
