package effects

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/wardenrs/warden/internal/syntax"
)

// effectIDs gives every effect of fn its stable id: a fingerprint of the
// package's name, the function's path, the callee, the capability and
// kind, and the normalised tokens of the statement that holds it (an
// item's effects have no statement), with the rank among identical
// effects of the function. Line numbers are not part of it: an effect
// keeps its id when code above it moves, or when the crate's version
// changes, as long as its statement reads the same.
func (f *finder) effectIDs(fn *Func) []string {
	ids := make([]string, len(fn.Effects))
	seen := map[string]int{}
	for i, e := range fn.Effects {
		base := strings.Join([]string{f.p.Crate.Name, fn.Path, e.Callee, string(e.Cap), e.Kind, f.stmtText(e.Stmt)}, "\x00")
		n := seen[base]
		seen[base] = n + 1
		sum := sha256.Sum256([]byte(base + "\x00" + strconv.Itoa(n)))
		ids[i] = hex.EncodeToString(sum[:8])
	}
	return ids
}

// stmtText is a statement's source with comments dropped and whitespace
// collapsed ("" when it has none in one file).
func (f *finder) stmtText(n syntax.Node) string {
	if n == nil {
		return ""
	}
	fset := f.p.Crate.Fset
	file := fset.File(n.Pos())
	if file == nil || !file.Contains(n.End()) {
		return ""
	}
	return normalizeTokens(file.Src[file.Offset(n.Pos()):file.Offset(n.End())])
}

// normalizeTokens drops comments and whitespace (keeping one space
// between two words, `let x`), so that reformatting a statement keeps
// its effects' ids. String literals are kept as written.
func normalizeTokens(src string) string {
	var b strings.Builder
	space := false
	var last byte // the last byte written
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(src) {
				j = len(src) - 1
			}
			space = false
			b.WriteString(src[i : j+1])
			last = '"'
			i = j
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			space = true
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				i = len(src)
			} else {
				i += end + 3
			}
			space = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			space = true
		default:
			if space && isWordByte(c) && isWordByte(last) {
				b.WriteByte(' ')
			}
			space = false
			b.WriteByte(c)
			last = c
		}
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}
