// Package textdiff shows how a test's output differs from its reviewed
// expectation (a golden file): a line diff with a little context, short
// enough to read in a test log, instead of two whole reports.
package textdiff

import (
	"fmt"
	"strings"
)

// Diff returns a unified-style diff of two texts (want is "-", got
// is "+"), with two lines of context around each change, showing at
// most maxLines changed lines; "" when they are equal. Golden
// mismatches print it so the reviewer sees what changed, not two
// whole reports.
func Diff(want, got string, maxLines int) string {
	if want == got {
		return ""
	}
	ops := diffOps(splitLines(want), splitLines(got))
	const context = 2
	var out strings.Builder
	shown, total := 0, 0
	for _, op := range ops {
		if op.kind != ' ' {
			total++
		}
	}
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// A hunk: from context lines before this change to context lines
		// after the last change that is at most 2*context lines away.
		start := max(0, i-context)
		end := i
		for j := i; j < len(ops) && j <= end+2*context; j++ {
			if ops[j].kind != ' ' {
				end = j
			}
		}
		end = min(len(ops)-1, end+context)
		fmt.Fprintf(&out, "@@ -%d +%d @@\n", ops[start].a+1, ops[start].b+1)
		for _, op := range ops[start : end+1] {
			if op.kind != ' ' {
				if shown == maxLines {
					fmt.Fprintf(&out, "... and %d more changed lines\n", total-shown)
					return out.String()
				}
				shown++
			}
			text := op.text
			if !strings.HasSuffix(text, "\n") {
				text += "\n\\ no newline at end\n"
			}
			out.WriteString(string(op.kind) + text)
		}
		i = end + 1
	}
	return out.String()
}

// splitLines splits a text after each newline; a final line without
// one is kept as it is.
func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// diffOp is one line of a diff: ' ' kept, '-' only in a, '+' only in b;
// a and b are the line's index in each text (of the next line of a text
// the line is not in).
type diffOp struct {
	kind rune
	text string
	a, b int
}

// diffOps computes a shortest edit script between a and b with a
// longest-common-subsequence table, after trimming the common prefix and
// suffix (which keeps the table small for the usual few-line changes).
// A middle too large for the table is shown as removed then added.
func diffOps(a, b []string) []diffOp {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []diffOp
	for i := 0; i < pre; i++ {
		ops = append(ops, diffOp{' ', a[i], i, i})
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	n, m := len(ma), len(mb)
	if n*m > 4_000_000 {
		for i, l := range ma {
			ops = append(ops, diffOp{'-', l, pre + i, pre})
		}
		for j, l := range mb {
			ops = append(ops, diffOp{'+', l, pre + n, pre + j})
		}
	} else {
		// lcs[i][j] is the LCS length of ma[i:] and mb[j:].
		lcs := make([][]int32, n+1)
		for i := range lcs {
			lcs[i] = make([]int32, m+1)
		}
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if ma[i] == mb[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < n || j < m {
			switch {
			case i < n && j < m && ma[i] == mb[j]:
				ops = append(ops, diffOp{' ', ma[i], pre + i, pre + j})
				i, j = i+1, j+1
			case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
				ops = append(ops, diffOp{'-', ma[i], pre + i, pre + j})
				i++
			default:
				ops = append(ops, diffOp{'+', mb[j], pre + i, pre + j})
				j++
			}
		}
	}
	for k := 0; k < suf; k++ {
		ia, ib := len(a)-suf+k, len(b)-suf+k
		ops = append(ops, diffOp{' ', a[ia], ia, ib})
	}
	return ops
}
