package syntax

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Pos is a compact source position: an offset into the position space of
// a FileSet. Each file occupies the range [Base, Base+Size]; the zero Pos
// means "no position". Nodes store Pos values only, and a Position
// (file, line, column) is computed on demand from the file's line table.
type Pos int32

// NoPos is the zero position.
const NoPos Pos = 0

// IsValid reports whether p is a real position.
func (p Pos) IsValid() bool { return p != NoPos }

// Position is a human-readable source location. Line and Column are
// 1-based; Column counts Unicode characters like rustc does; Offset is
// the 0-based byte offset in the file.
type Position struct {
	Filename string
	Offset   int
	Line     int
	Column   int
}

// String formats the position as file:line:col.
func (p Position) String() string {
	if p.Filename == "" {
		return fmt.Sprintf("%d:%d", p.Line, p.Column)
	}
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
}

// File is one source file registered in a FileSet.
type File struct {
	Name string
	Base Pos
	Src  string // the source, as read (possibly invalid UTF-8)

	set *FileSet

	lines []int // byte offsets of line starts, computed by the lexer
}

// Text returns the source text of a token of this file (or, through the
// FileSet, of another file of the same set).
func (f *File) Text(t Token) string {
	off := int(t.Pos - f.Base)
	if off >= 0 && off+int(t.Len) <= len(f.Src) {
		return f.Src[off : off+int(t.Len)]
	}
	if f.set != nil {
		return f.set.Text(t)
	}
	return ""
}

// Line returns the text of line n (1-based) without its newline, or ""
// if the file has no such line.
func (f *File) Line(n int) string {
	if n < 1 || n > len(f.lines) {
		return ""
	}
	start, end := f.lines[n-1], len(f.Src)
	if n < len(f.lines) {
		end = f.lines[n] - 1
	}
	return strings.TrimSuffix(f.Src[start:end], "\r")
}

// Size returns the file length in bytes.
func (f *File) Size() int { return len(f.Src) }

// Pos returns the Pos of a byte offset in f.
func (f *File) Pos(offset int) Pos { return f.Base + Pos(offset) }

// Offset returns the byte offset of p in f.
func (f *File) Offset(p Pos) int { return int(p - f.Base) }

// Contains reports whether p lies within f (its end included).
func (f *File) Contains(p Pos) bool { return p >= f.Base && p <= f.Base+Pos(len(f.Src)) }

// computeLines builds the line table once, when the file is added, so
// that Position is read-only and safe for concurrent use.
func (f *File) computeLines() {
	// Counting the newlines first (a vectorised scan) sizes the table
	// exactly: line lengths vary too much (half the files in the corpus
	// average under 32 bytes a line) for a guess not to regrow often.
	lines := make([]int, 1, strings.Count(f.Src, "\n")+1)
	for off := 0; ; {
		i := strings.IndexByte(f.Src[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
		lines = append(lines, off)
	}
	f.lines = lines
}

// Position converts p into a file:line:column position.
func (f *File) Position(p Pos) Position {
	off := f.Offset(p)
	if off < 0 {
		off = 0
	}
	if off > len(f.Src) {
		off = len(f.Src)
	}
	i := sort.SearchInts(f.lines, off+1) - 1
	lineStart := f.lines[i]
	col := utf8.RuneCountInString(f.Src[lineStart:off]) + 1
	return Position{Filename: f.Name, Offset: off, Line: i + 1, Column: col}
}

// FileSet assigns each file a disjoint range of positions, so that a Pos
// alone identifies file and offset, including for tokens that macro
// expansion moves between files. It is safe for concurrent use.
type FileSet struct {
	mu    sync.RWMutex
	base  Pos
	files []*File
}

// NewFileSet returns an empty FileSet.
func NewFileSet() *FileSet { return &FileSet{base: 1} }

// MaxFileSetSize is the total amount of source one FileSet can hold
// (positions are 32-bit). Use one FileSet per crate.
const MaxFileSetSize = math.MaxInt32 - 1

// ErrFileSetFull is returned when a file does not fit in a FileSet.
var ErrFileSetFull = errors.New("file set full: more than 2 GiB of source")

// AddFile registers a file with its source and returns it. It panics if
// the set would exceed MaxFileSetSize; code that reads untrusted input of
// unbounded total size uses TryAddFile.
func (s *FileSet) AddFile(name, src string) *File {
	f, err := s.TryAddFile(name, src)
	if err != nil {
		panic(err)
	}
	return f
}

// TryAddFile registers a file with its source, or reports
// ErrFileSetFull.
func (s *FileSet) TryAddFile(name, src string) (*File, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if int64(s.base)+int64(len(src))+1 > MaxFileSetSize {
		return nil, fmt.Errorf("%s: %w", name, ErrFileSetFull)
	}
	f := &File{Name: name, Base: s.base, Src: src, set: s}
	f.computeLines()
	s.base += Pos(len(src)) + 1
	s.files = append(s.files, f)
	return f, nil
}

// File returns the file containing p, or nil.
func (s *FileSet) File(p Pos) *File {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i := sort.Search(len(s.files), func(i int) bool { return s.files[i].Base > p }) - 1
	if i < 0 || !s.files[i].Contains(p) {
		return nil
	}
	return s.files[i]
}

// Text returns the source text of a token, or "" if it lies in no file.
func (s *FileSet) Text(t Token) string {
	f := s.File(t.Pos)
	if f == nil {
		return ""
	}
	off := int(t.Pos - f.Base)
	if off+int(t.Len) > len(f.Src) {
		return ""
	}
	return f.Src[off : off+int(t.Len)]
}

// Position converts p to a Position; it is the zero Position if p is not
// in any file of s.
func (s *FileSet) Position(p Pos) Position {
	if f := s.File(p); f != nil {
		return f.Position(p)
	}
	return Position{}
}

// Error is a diagnostic at a source position.
type Error struct {
	Pos Position
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList is a list of diagnostics, sortable by position.
type ErrorList []*Error

func (l ErrorList) Len() int      { return len(l) }
func (l ErrorList) Swap(i, j int) { l[i], l[j] = l[j], l[i] }
func (l ErrorList) Less(i, j int) bool {
	a, b := l[i].Pos, l[j].Pos
	if a.Filename != b.Filename {
		return a.Filename < b.Filename
	}
	if a.Offset != b.Offset {
		return a.Offset < b.Offset
	}
	return l[i].Msg < l[j].Msg
}

// Sort sorts the list by position and drops exact duplicates.
func (l *ErrorList) Sort() {
	sort.Stable(*l)
	out := (*l)[:0]
	for i, e := range *l {
		if i > 0 && e.Pos == (*l)[i-1].Pos && e.Msg == (*l)[i-1].Msg {
			continue
		}
		out = append(out, e)
	}
	*l = out
}

// Err returns the list as an error, or nil if it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}
