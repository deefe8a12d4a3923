package serve

import (
	"html"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wardenrs/warden/internal/syntax"
)

// maxHighlight is the largest source HighlightRust colours; a larger one
// is rendered as plain escaped lines.
const maxHighlight = 5 << 20

// The CSS classes of highlighted tokens.
const (
	hlNone  = ""
	hlKw    = "kw"   // keywords
	hlStr   = "str"  // string, char, byte and C string literals, raw or not
	hlNum   = "num"  // integer and float literals
	hlCom   = "com"  // comments, doc comments included
	hlMac   = "mac"  // a macro's name and its "!"
	hlAttr  = "attr" // an attribute #[...] or #![...] (but its literals and comments)
	hlLt    = "lt"   // lifetimes and labels
	hlSpace = " "    // whitespace between tokens: inherits the open span
)

// hlClasses maps a token's class index (tokClass) to its CSS class.
var hlClasses = [...]string{hlNone, hlKw, hlStr, hlNum, hlCom, hlMac, hlAttr, hlLt}

const (
	tcNone uint8 = iota
	tcKw
	tcStr
	tcNum
	tcCom
	tcMac
	tcAttr
	tcLt

	tcAttrGap uint8 = 0x80 // flag: the gap before this token is inside an attribute
)

// HighlightRust renders Rust source as the lines of a source page, one
// per line of src (a final newline ends the last line, it does not start
// another; an empty source has no line):
//
//	<span class="line" id="L{n}"><a class="ln" href="#L{n}">{n}</a> code</span>\n
//
// Tokens are wrapped in <span class="C"> with C one of kw, str, num,
// com, mac, attr or lt; spans never cross a line, so every line is
// balanced. A line whose number is a key of marks gets the extra class
// "mark" and the mark as its title. Every character of src is escaped
// (html.EscapeString); characters a reader could not see or that could
// reorder the text (control characters, bidirectional overrides, line
// separators, zero-width characters, a byte order mark) and invalid
// UTF-8 bytes are shown as visible placeholders in <span class="ctl">
// with their code point in the title. A carriage return before a newline
// is dropped.
//
// Token kinds come from Warden's lexer (internal/syntax); ordinary
// comments, which it drops, are found in the gaps between tokens. A
// source over 5 MB, or one the lexer cannot take, is rendered as plain
// escaped lines. The time is linear in the size of src.
func HighlightRust(src string, marks map[int]string) string {
	return HighlightRustFrom(src, 1, marks)
}

// HighlightRustFrom is HighlightRust for a part of a file that starts at
// line first: lines are numbered (and marks keyed) from there. A token
// that began before the part (a block comment, a raw string) is coloured
// as if the part were the whole file.
func HighlightRustFrom(src string, first int, marks map[int]string) string {
	w := hlWriter{src: src, marks: marks, line: max(first, 1) - 1}
	// About 3 bytes of HTML per byte of source, plus the markup of each
	// line (63 bytes and its number three times): one allocation for
	// almost every file, even one of newlines only.
	lines := strings.Count(src, "\n") + 1
	w.b.Grow(3*len(src) + lines*(63+3*len(strconv.Itoa(w.line+lines))))
	if len(src) > maxHighlight || !w.highlight() {
		w.b.Reset()
		w.line, w.inLine, w.open, w.wsA, w.wsB = max(first, 1)-1, false, "", 0, 0
		w.emit(0, len(src), hlNone)
	}
	w.finish()
	return w.b.String()
}

// lexRust lexes src, reporting false if the lexer cannot (the file is
// too large for a file set, or the lexer panics).
func lexRust(src string) (f *syntax.File, toks []syntax.Token, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	f, err := syntax.NewFileSet().TryAddFile("source.rs", src)
	if err != nil {
		return nil, nil, false
	}
	toks, _ = syntax.Lex(f)
	return f, toks, true
}

// highlight writes the coloured lines of w.src, or reports false if the
// lexer failed.
func (w *hlWriter) highlight() bool {
	f, toks, ok := lexRust(w.src)
	if !ok {
		return false
	}
	// The tokens are in source order; the EOF and the synthetic closing
	// delimiters the lexer adds to balance groups are empty (they count
	// for matching brackets, and are not written).
	cls := make([]uint8, len(toks))
	for i, t := range toks {
		switch k := t.Kind; {
		case k.IsKeyword():
			cls[i] = tcKw
		case k == syntax.Int || k == syntax.Float:
			cls[i] = tcNum
		case k.IsLiteral():
			cls[i] = tcStr
		case k == syntax.DocComment:
			cls[i] = tcCom
		case k == syntax.Lifetime:
			cls[i] = tcLt
		case k == syntax.Identifier && i+1 < len(toks) && toks[i+1].Kind == syntax.Not:
			cls[i] = tcMac
			if toks[i+1].Pos == t.End() {
				cls[i+1] = tcMac
			}
		}
	}
	// Attributes: "#" ["!"] "[" ... "]", the brackets matched by
	// nesting. Their tokens without a class of their own, and the
	// whitespace between them, are attr.
	for i := 0; i < len(toks); i++ {
		if toks[i].Kind != syntax.Pound {
			continue
		}
		open := i + 1
		if open < len(toks) && toks[open].Kind == syntax.Not {
			open++
		}
		if open >= len(toks) || toks[open].Kind != syntax.LBrack {
			continue
		}
		end, depth := len(toks)-1, 0
		for j := open; j < len(toks); j++ {
			if k := toks[j].Kind; k.IsOpen() {
				depth++
			} else if k.IsClose() {
				depth--
				if depth == 0 {
					end = j
					break
				}
			}
		}
		for j := i; j <= end; j++ {
			if cls[j] == tcNone {
				cls[j] = tcAttr
			}
			if j > i {
				cls[j] |= tcAttrGap
			}
		}
		i = end
	}

	prev := 0
	for i, t := range toks {
		if t.Len <= 0 {
			continue
		}
		start := f.Offset(t.Pos)
		end := start + int(t.Len)
		if start < prev || end > len(w.src) {
			continue // not expected: tokens are in order, within the file
		}
		inAttr := cls[i]&tcAttrGap != 0
		w.gap(prev, start, inAttr)
		w.emit(start, end, hlClasses[cls[i]&^tcAttrGap])
		prev = end
	}
	w.gap(prev, len(w.src), false)
	return true
}

// gap writes src[a:b], text between two tokens: whitespace, comments, a
// shebang line, and anything else the lexer dropped (plain, or attr
// inside an attribute).
func (w *hlWriter) gap(a, b int, inAttr bool) {
	plain := hlNone
	if inAttr {
		plain = hlAttr
	}
	src := w.src
	if a == 0 || a == 3 && strings.HasPrefix(src, "\uFEFF") {
		if strings.HasPrefix(src[a:b], "#!") {
			// The shebang line the lexer skipped.
			e := strings.IndexByte(src[a:b], '\n')
			if e < 0 {
				e = b - a
			}
			w.emit(a, a+e, hlCom)
			a += e
		}
	}
	for a < b {
		i := a
		for i < b && src[i] != '/' {
			i++
		}
		w.spaces(a, i, plain)
		a = i
		if a >= b {
			return
		}
		switch {
		case a+1 < b && src[a+1] == '/':
			e := strings.IndexByte(src[a:b], '\n')
			if e < 0 {
				e = b - a
			}
			w.emit(a, a+e, hlCom)
			a += e
		case a+1 < b && src[a+1] == '*':
			e, depth := a+2, 1
			for e < b && depth > 0 {
				switch {
				case src[e] == '/' && e+1 < b && src[e+1] == '*':
					depth++
					e += 2
				case src[e] == '*' && e+1 < b && src[e+1] == '/':
					depth--
					e += 2
				default:
					e++
				}
			}
			w.emit(a, e, hlCom)
			a = e
		default:
			w.emit(a, a+1, plain)
			a++
		}
	}
}

// spaces writes gap text without comments: runs of ASCII whitespace as
// neutral space, anything else with class cls.
func (w *hlWriter) spaces(a, b int, cls string) {
	src := w.src
	for a < b {
		i := a
		for i < b && isHlSpace(src[i]) {
			i++
		}
		if i > a {
			w.emit(a, i, hlSpace)
			a = i
		}
		for i < b && !isHlSpace(src[i]) {
			i++
		}
		if i > a {
			w.emit(a, i, cls)
			a = i
		}
	}
}

func isHlSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// hlWriter writes the lines of a source page.
type hlWriter struct {
	src    string
	marks  map[int]string
	b      strings.Builder
	line   int    // the number of the current (or last) line
	inLine bool   // the current line's opening tag is written
	open   string // the class of the open token span, or ""
	// wsA:wsB is whitespace not yet written: it goes inside the open
	// span if the next text has the same class, outside otherwise.
	wsA, wsB int
}

// emit writes src[a:b] with class cls, split at line ends.
func (w *hlWriter) emit(a, b int, cls string) {
	for a < b {
		e := strings.IndexByte(w.src[a:b], '\n')
		if e < 0 {
			w.part(a, b, cls)
			return
		}
		w.part(a, a+e, cls)
		w.endLine()
		a += e + 1
	}
}

// part writes src[a:b], which holds no newline, on the current line.
func (w *hlWriter) part(a, b int, cls string) {
	if a >= b {
		return
	}
	if !w.inLine {
		w.startLine()
	}
	if cls == hlSpace {
		if w.wsA == w.wsB {
			w.wsA = a
		}
		w.wsB = b
		return
	}
	if cls != w.open {
		w.closeSpan()
		w.flushSpace()
		if cls != hlNone {
			w.b.WriteString(`<span class="`)
			w.b.WriteString(cls)
			w.b.WriteString(`">`)
		}
		w.open = cls
	} else {
		w.flushSpace()
	}
	w.escape(a, b)
}

func (w *hlWriter) closeSpan() {
	if w.open != hlNone {
		w.b.WriteString("</span>")
		w.open = hlNone
	}
}

func (w *hlWriter) flushSpace() {
	if w.wsA < w.wsB {
		w.escape(w.wsA, w.wsB)
	}
	w.wsA, w.wsB = 0, 0
}

func (w *hlWriter) startLine() {
	w.line++
	w.inLine = true
	n := strconv.Itoa(w.line)
	w.b.WriteString(`<span class="line`)
	if m, ok := w.marks[w.line]; ok {
		w.b.WriteString(` mark" id="L`)
		w.b.WriteString(n)
		w.b.WriteString(`" title="`)
		w.b.WriteString(graphEscape(m))
	} else {
		w.b.WriteString(`" id="L`)
		w.b.WriteString(n)
	}
	w.b.WriteString(`"><a class="ln" href="#L`)
	w.b.WriteString(n)
	w.b.WriteString(`">`)
	w.b.WriteString(n)
	w.b.WriteString("</a> ")
}

// endLine ends the current line (starting it first if it is empty).
func (w *hlWriter) endLine() {
	if !w.inLine {
		w.startLine()
	}
	w.closeSpan()
	w.flushSpace()
	w.b.WriteString("</span>\n")
	w.inLine = false
}

// finish ends the last line if it has no newline.
func (w *hlWriter) finish() {
	if w.inLine {
		w.endLine()
	}
}

// hlPlain marks the ASCII bytes written as they are (after
// html.EscapeString): printable characters and tab.
var hlPlain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	t['\t'] = true
	return
}()

// escape writes src[a:b] (no newline) escaped, invisible and invalid
// characters as placeholders.
func (w *hlWriter) escape(a, b int) {
	src := w.src
	run := a // start of the run of ordinary characters
	for i := a; i < b; {
		c := src[i]
		if c < utf8.RuneSelf {
			if hlPlain[c] {
				i++
				continue
			}
			w.b.WriteString(html.EscapeString(src[run:i]))
			if c != '\r' || i+1 >= len(src) || src[i+1] != '\n' { // the CR of a CRLF is dropped
				w.control(rune(c), controlPicture(c))
			}
			i++
			run = i
			continue
		}
		r, n := utf8.DecodeRuneInString(src[i:b])
		if r == utf8.RuneError && n <= 1 {
			w.b.WriteString(html.EscapeString(src[run:i]))
			w.b.WriteString(`<span class="ctl" title="invalid UTF-8 byte 0x`)
			w.b.WriteString(strconv.FormatUint(uint64(c), 16))
			w.b.WriteString("\">\uFFFD</span>")
			i++
			run = i
			continue
		}
		if invisible(r) {
			w.b.WriteString(html.EscapeString(src[run:i]))
			w.control(r, `\u{`+strconv.FormatInt(int64(r), 16)+`}`)
			i += n
			run = i
			continue
		}
		i += n
	}
	w.b.WriteString(html.EscapeString(src[run:b]))
}

// controlPicture returns the Unicode control picture of an ASCII
// control character (U+2400 to U+241F, U+2421 for DEL).
func controlPicture(c byte) string {
	if c == 0x7f {
		return "\u2421"
	}
	return string(rune(0x2400) + rune(c))
}

// control writes a placeholder for an invisible character.
func (w *hlWriter) control(r rune, shown string) {
	w.b.WriteString(`<span class="ctl" title="U+`)
	h := strings.ToUpper(strconv.FormatInt(int64(r), 16))
	w.b.WriteString(strings.Repeat("0", max(0, 4-len(h))))
	w.b.WriteString(h)
	w.b.WriteString(`">`)
	w.b.WriteString(shown)
	w.b.WriteString(`</span>`)
}

// invisible reports whether a non-ASCII character is shown as a
// placeholder: C1 controls, zero-width characters, bidirectional
// controls, line and paragraph separators, the byte order mark, and
// noncharacters XML rejects.
func invisible(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f,
		r >= 0x200b && r <= 0x200f,
		r >= 0x2028 && r <= 0x202e,
		r >= 0x2060 && r <= 0x206f,
		r == 0x061c, r == 0xfeff, r == 0xfffe, r == 0xffff:
		return true
	}
	return false
}
