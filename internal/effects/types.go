package effects

import (
	"strings"

	"github.com/wardenrs/warden/internal/resolve"
	"github.com/wardenrs/warden/internal/syntax"
)

// constructors are associated functions that return their own type
// (light inference of receiver types).
var constructors = map[string]bool{
	"new": true, "open": true, "create": true, "create_new": true, "connect": true, "bind": true,
	"default": true, "with_capacity": true, "builder": true, "from": true, "from_raw_fd": true,
	"from_std": true, "options": true, "pair": true, "unbound": true, "connect_timeout": true,
}

// builders are std types whose methods return the builder itself.
var builders = map[string]bool{
	"std::fs::OpenOptions": true, "std::process::Command": true, "std::fs::DirBuilder": true,
}

// passThrough are methods whose result has the receiver's type, as far as
// Warden's light inference is concerned.
var passThrough = map[string]bool{
	"unwrap": true, "expect": true, "clone": true, "as_ref": true, "as_mut": true, "borrow": true,
	"borrow_mut": true, "lock": true, "unwrap_or_default": true, "to_owned": true, "by_ref": true,
	"try_clone": true, "as_path": true,
}

// typeOf infers the nominal type of an expression, or "".
func (w *walker) typeOf(x syntax.Expr) string {
	r := w.f.p.R
	for i := 0; i < 16; i++ {
		switch e := x.(type) {
		case *syntax.ParenExpr:
			x = e.X
		case *syntax.TryExpr:
			x = e.X
		case *syntax.AwaitExpr:
			x = e.X
		case *syntax.RefExpr:
			x = e.X
		case *syntax.MacroExpr:
			// What the macro expands to (duct::cmd!(..) is a block ending
			// in $crate::cmd(..)).
			exp := w.f.p.Expansion(e.Mac)
			if exp == nil || exp.Expr == nil {
				return ""
			}
			x = exp.Expr
		case *syntax.BlockExpr:
			tail := tailExpr(e.Stmts)
			if tail == nil {
				return ""
			}
			x = tail
		case *syntax.UnaryExpr:
			if e.Op != syntax.Star {
				return ""
			}
			x = e.X
		case *syntax.CastExpr:
			return r.TypePath(w.scope(), e.Type)
		case *syntax.StructExpr:
			return r.ResolvePath(w.scope(), e.Path, resolve.TypeNS).Path
		case *syntax.PathExpr:
			if len(e.Path.Segments) == 1 && e.Path.QSelf == nil {
				name := e.Path.Segments[0].Name.Name
				if name == "self" {
					return w.scope().SelfType
				}
				if t, ok := w.locals[name]; ok {
					return t
				}
			}
			// A static or const: its declared type (tracing's
			// CALLSITE.metadata() is a method of tracing's callsite type).
			res := r.ResolvePath(w.scope(), e.Path, resolve.ValueNS)
			if res.Def != nil {
				switch it := res.Def.Item.(type) {
				case *syntax.StaticItem:
					return r.TypePath(res.Def.Owner, it.Type)
				case *syntax.ConstItem:
					return r.TypePath(res.Def.Owner, it.Type)
				}
			}
			return ""
		case *syntax.FieldExpr:
			owner := w.typeOf(e.X)
			if owner == "" {
				return ""
			}
			return w.fieldType(owner, e.Name.Name)
		case *syntax.CallExpr:
			pe, ok := e.Fun.(*syntax.PathExpr)
			if !ok {
				return ""
			}
			res := r.ResolvePath(w.scope(), pe.Path, resolve.ValueNS)
			if res.Def != nil {
				return w.returnType(res.Def)
			}
			if t := w.depReturn(res.Path); t != "" {
				return t
			}
			return constructorType(res.Path)
		case *syntax.MethodCallExpr:
			recv := w.typeOf(e.Recv)
			name := e.Name.Name
			if recv == "" {
				return ""
			}
			if d := r.Methods[recv][name]; d != nil {
				return w.returnType(d)
			}
			if t := w.depReturn(recv + "::" + name); t != "" {
				return t
			}
			if passThrough[name] || builders[recv] {
				return recv
			}
			if !strings.HasPrefix(recv, "std::") && !w.localType(recv) {
				// A type from a dependency, whose signatures Warden does
				// not see here: assume the builder style (methods that
				// return Self), which links chains such as
				// cc::Build::new().file(..).compile(..) across crates.
				return recv
			}
			if recv == "std::fs::File" && name == "options" {
				return "std::fs::OpenOptions"
			}
			return ""
		default:
			return ""
		}
	}
	return ""
}

// tailExpr returns a block's value: its last statement when it is an
// expression without a semicolon.
func tailExpr(stmts []syntax.Stmt) syntax.Expr {
	if n := len(stmts); n > 0 {
		if es, ok := stmts[n-1].(*syntax.ExprStmt); ok && !es.Semi {
			return es.X
		}
	}
	return nil
}

func constructorType(path string) string {
	i := strings.LastIndex(path, "::")
	if i < 0 {
		return ""
	}
	typ, fn := path[:i], path[i+2:]
	j := strings.LastIndex(typ, "::")
	last := typ[j+2:]
	if last == "" || last[0] < 'A' || last[0] > 'Z' {
		return ""
	}
	if typ == "std::fs::File" && fn == "options" {
		return "std::fs::OpenOptions"
	}
	if constructors[fn] || strings.HasPrefix(fn, "from_") || strings.HasPrefix(fn, "new_") || strings.HasPrefix(fn, "with_") {
		return typ
	}
	return ""
}

// depReturn asks the dependencies for the return type of a function of
// theirs.
func (w *walker) depReturn(path string) string {
	if w.f.pass.Types == nil || path == "" || strings.HasPrefix(path, "std::") || w.localType(path) {
		return ""
	}
	return w.f.pass.Types.ReturnType(path)
}

// returnType is the declared return type of a local function.
func (w *walker) returnType(d *resolve.Def) string {
	r := w.f.p.R
	fn, ok := d.Item.(*syntax.FnItem)
	if !ok || fn.Sig.Ret == nil {
		return ""
	}
	scope := d.Owner
	if d.SelfType != "" {
		if pt, ok := fn.Sig.Ret.(*syntax.PathType); ok && len(pt.Path.Segments) == 1 && pt.Path.Segments[0].Name.Name == "Self" {
			return d.SelfType
		}
		scope = r.NewBlockScope(d.Owner, d.Path, nil)
		scope.SelfType = d.SelfType
	}
	return r.TypePath(scope, fn.Sig.Ret)
}

// fieldType is the type of a named field of a local struct.
func (w *walker) fieldType(owner, field string) string {
	r := w.f.p.R
	d := r.Types[owner]
	if d == nil {
		return ""
	}
	st, ok := d.Item.(*syntax.StructItem)
	if !ok {
		return ""
	}
	for _, fl := range st.Fields {
		if fl.Name.Name == field {
			return r.TypePath(d.Owner, fl.Type)
		}
	}
	return ""
}
