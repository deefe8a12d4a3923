package syntax

import (
	"fmt"
	"io"
	"reflect"
	"strings"
)

// Fprint writes a readable dump of the tree rooted at n: one node per
// line, indented by depth, with its type, its span as line:col-line:col
// and its scalar fields. Zero-valued fields are omitted. It is meant for
// debugging and golden tests, not as a stable format.
func Fprint(w io.Writer, fset *FileSet, n any) error {
	pr := printer{w: w, fset: fset}
	pr.value(reflect.ValueOf(n), 0, "")
	return pr.err
}

type printer struct {
	w    io.Writer
	fset *FileSet
	err  error
}

var (
	spanType     = reflect.TypeOf(Span{})
	tokenType    = reflect.TypeOf(Token{})
	posType      = reflect.TypeOf(Pos(0))
	stringerType = reflect.TypeOf((*fmt.Stringer)(nil)).Elem()
)

func (pr *printer) printf(format string, args ...any) {
	if pr.err == nil {
		_, pr.err = fmt.Fprintf(pr.w, format, args...)
	}
}

func (pr *printer) span(s Span) string {
	a, b := pr.fset.Position(s.Lo), pr.fset.Position(s.Hi)
	return fmt.Sprintf("%d:%d-%d:%d", a.Line, a.Column, b.Line, b.Column)
}

// value prints v (a node, slice or pointer) at the given depth; label is
// the field name it came from.
func (pr *printer) value(v reflect.Value, depth int, label string) {
	indent := strings.Repeat("  ", depth)
	if label != "" {
		label += ": "
	}
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Slice:
		if v.Type().Elem() == tokenType {
			pr.printf("%s%s%s\n", indent, label, pr.tokens(v))
			return
		}
		for i := 0; i < v.Len(); i++ {
			pr.value(v.Index(i), depth, strings.TrimSuffix(label, ": "))
		}
		return
	case reflect.Struct:
	default:
		return
	}
	t := v.Type()
	if t == reflect.TypeOf(File{}) {
		return
	}
	type child struct {
		v    reflect.Value
		name string
	}
	var scalars []string
	var children []child
	var span string
	for i := 0; i < t.NumField(); i++ {
		f, fv := t.Field(i), v.Field(i)
		if !f.IsExported() || fv.IsZero() {
			continue
		}
		switch {
		case f.Type == spanType:
			span = pr.span(fv.Interface().(Span))
		case f.Anonymous: // ItemBase: flatten
			sub := fv
			for j := 0; j < sub.NumField(); j++ {
				sf, sfv := sub.Type().Field(j), sub.Field(j)
				if sfv.IsZero() {
					continue
				}
				if sf.Type == spanType {
					span = pr.span(sfv.Interface().(Span))
				} else {
					children = append(children, child{sfv, sf.Name})
				}
			}
		case f.Type == posType:
			p := pr.fset.Position(fv.Interface().(Pos))
			scalars = append(scalars, fmt.Sprintf("%s=%d:%d", f.Name, p.Line, p.Column))
		case f.Type == reflect.TypeOf(Ident{}):
			id := fv.Interface().(Ident)
			scalars = append(scalars, fmt.Sprintf("%s=%q", f.Name, id.Name))
		case fv.Kind() != reflect.Pointer && fv.Type().Implements(stringerType):
			scalars = append(scalars, fmt.Sprintf("%s=%s", f.Name, fv.Interface().(fmt.Stringer)))
		case fv.Kind() == reflect.String:
			scalars = append(scalars, fmt.Sprintf("%s=%q", f.Name, fv.String()))
		case fv.Kind() == reflect.Bool, fv.Kind() == reflect.Int, fv.Kind() == reflect.Uint8:
			scalars = append(scalars, fmt.Sprintf("%s=%v", f.Name, fv.Interface()))
		default:
			children = append(children, child{fv, f.Name})
		}
	}
	pr.printf("%s%s%s %s", indent, label, t.Name(), span)
	if len(scalars) > 0 {
		pr.printf(" %s", strings.Join(scalars, " "))
	}
	pr.printf("\n")
	for _, c := range children {
		pr.value(c.v, depth+1, c.name)
	}
}

func (pr *printer) tokens(v reflect.Value) string {
	parts := make([]string, v.Len())
	for i := range parts {
		parts[i] = pr.fset.Text(v.Index(i).Interface().(Token))
	}
	return "tokens[" + strings.Join(parts, " ") + "]"
}
