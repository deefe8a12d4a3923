package program

import (
	"errors"
	"path/filepath"
	"strings"

	"github.com/wardenrs/warden/internal/cfg"
	"github.com/wardenrs/warden/internal/expand"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/resolve"
	"github.com/wardenrs/warden/internal/source"
	"github.com/wardenrs/warden/internal/syntax"
)

// position is where a macro is invoked, which decides how its expansion
// is parsed.
type position uint8

const (
	posItems position = iota
	posStmts
	posExpr
	posPat
	posType
)

// lstate is the context of lowering: the function, the scope for names,
// the textual macro scope, the expansion being lowered and its depth,
// and the condition of what is lowered.
type lstate struct {
	fn    *Func
	scope *resolve.Scope
	tx    *textual
	exp   *Expansion
	depth int
	cond  cfg.Expr
}

// expand expands one invocation and records the result; nil means the
// invocation stands for nothing Warden can see (the blind spot is
// recorded).
func (b *builder) expand(call *syntax.MacroCall, pos position, st lstate) *Expansion {
	if e := b.p.exps[call]; e != nil {
		return e // an item lowered twice (a module shared by two paths)
	}
	name := resolve.MacroName(call.Path)
	if st.depth >= b.maxDepth {
		b.blind("expansion-budget", b.at(call.Pos(), st.exp), "macro %s!: nesting deeper than %d expansions; the rest is not analysed", name, b.maxDepth)
		return nil
	}
	d := b.lookup(call.Path, st.scope, st.tx, st.exp)
	e := &Expansion{Call: call, Name: name, Parent: st.exp, Kind: Unknown}
	if d != nil {
		e.Kind, e.Def, e.Crate = d.kind, d.m, d.crate
	}
	file := b.fset.File(call.Pos())
	if file == nil {
		return nil
	}
	var args []syntax.Token
	if call.Args != nil {
		args = call.Args.Tokens
	}
	switch e.Kind {
	case Rules:
		toks, err := d.m.Expand(b.fset, args, b.budget)
		if err != nil {
			if errors.Is(err, expand.ErrBudget) {
				b.blind("expansion-budget", b.at(call.Pos(), st.exp), "macro %s!: %v; its expansion is not analysed", name, err)
			} else {
				b.blind("macro-error", b.at(call.Pos(), st.exp), "macro %s! could not be expanded: %v", name, err)
			}
			return nil
		}
		if errs := b.parseInto(e, file, toks, pos); len(errs) > 0 {
			b.blind("macro-error", b.at(call.Pos(), st.exp), "the expansion of %s! does not parse as %s: %v; parts of it are not analysed", name, pos, errs[0])
		}
	case Exprs:
		e.Exprs = b.exprArgs(file, args)
	case Vec:
		if parts := syntax.SplitTopLevel(args, syntax.Semi); len(parts) == 2 {
			for _, part := range parts {
				if x, errs := syntax.ParseExpr(file, part); len(errs) == 0 {
					e.Exprs = append(e.Exprs, x)
				}
			}
		} else {
			e.Exprs = b.exprArgs(file, args)
		}
	case Matches:
		b.matchesArgs(e, file, args)
	case Include, IncludeData:
		b.include(e, file, args, pos, st)
	case Env:
		e.Path, _ = firstString(b.fset, args)
	case Statics:
		items, _ := syntax.ParseItems(file, stripStaticRef(args))
		e.Items = items
	case CfgIf:
		b.cfgIf(e, file, args, pos, st)
	case Inert, Asm:
		// Nothing to read: the effects analysis reports asm! itself.
	case Unknown:
		b.unknownMacro(e, call, file, args, pos, st)
	}
	b.p.exps[call] = e
	return e
}

func (p position) String() string {
	return [...]string{"items", "statements", "an expression", "a pattern", "a type"}[p]
}

// parseInto parses the tokens of an expansion for its position.
func (b *builder) parseInto(e *Expansion, file *syntax.File, toks []syntax.Token, pos position) syntax.ErrorList {
	var errs syntax.ErrorList
	switch pos {
	case posItems:
		e.Items, errs = syntax.ParseItems(file, toks)
	case posStmts:
		e.Stmts, errs = syntax.ParseStmts(file, toks)
	case posExpr:
		e.Expr, errs = syntax.ParseExpr(file, toks)
		if len(errs) > 0 {
			// Some macros in expression position expand to statements
			// and a final expression without braces.
			if stmts, serrs := syntax.ParseStmts(file, toks); len(serrs) == 0 {
				e.Expr, e.Stmts, errs = nil, stmts, nil
			}
		}
	case posPat:
		e.Pat, errs = syntax.ParsePat(file, toks)
	case posType:
		e.Type, errs = syntax.ParseType(file, toks)
	}
	return errs
}

// exprArgs parses comma-separated expression arguments (println!,
// assert_eq!, format arguments written name = expr); arguments that do
// not parse are left out.
func (b *builder) exprArgs(file *syntax.File, args []syntax.Token) []syntax.Expr {
	var out []syntax.Expr
	for _, arg := range syntax.SplitTopLevel(args, syntax.Comma) {
		if len(arg) >= 2 && arg[0].Kind == syntax.Identifier && arg[1].Kind == syntax.Eq {
			arg = arg[2:]
		}
		if len(arg) == 0 {
			continue
		}
		if x, errs := syntax.ParseExpr(file, arg); len(errs) == 0 {
			out = append(out, x)
		}
	}
	return out
}

// matchesArgs reads matches!(expr, pattern if guard).
func (b *builder) matchesArgs(e *Expansion, file *syntax.File, args []syntax.Token) {
	parts := syntax.SplitTopLevel(args, syntax.Comma)
	if len(parts) == 0 {
		return
	}
	if x, errs := syntax.ParseExpr(file, parts[0]); len(errs) == 0 {
		e.Exprs = append(e.Exprs, x)
	}
	var pat []syntax.Token
	for _, p := range parts[1:] {
		if len(p) == 0 {
			continue
		}
		pat = p
		break
	}
	if len(pat) == 0 {
		return
	}
	depth := 0
	for i, t := range pat {
		switch {
		case t.Kind.IsOpen():
			depth++
		case t.Kind.IsClose():
			depth--
		case t.Kind == syntax.KwIf && depth == 0:
			if x, errs := syntax.ParseExpr(file, pat[i+1:]); len(errs) == 0 {
				e.Exprs = append(e.Exprs, x)
			}
			pat = pat[:i]
		}
	}
	if p, errs := syntax.ParsePat(file, pat); len(errs) == 0 {
		e.Pat = p
	}
}

// firstString returns the value of a first argument that is a string
// literal.
func firstString(fset *syntax.FileSet, args []syntax.Token) (string, bool) {
	if len(args) == 0 || args[0].Kind != syntax.Str && args[0].Kind != syntax.RawStr {
		return "", false
	}
	return syntax.StringValue(fset.Text(args[0]))
}

// stripStaticRef turns lazy_static!'s "static ref NAME: T = e;" into
// "static NAME: T = e;".
func stripStaticRef(toks []syntax.Token) []syntax.Token {
	out := make([]syntax.Token, 0, len(toks))
	for i, t := range toks {
		if t.Kind == syntax.KwRef && i > 0 && toks[i-1].Kind == syntax.KwStatic {
			continue
		}
		out = append(out, t)
	}
	return out
}

// include reads include!("file") (items or an expression from a file of
// the crate) and notes include_str!/include_bytes!'s file. A file outside
// the crate is not read; a file generated into OUT_DIR by the build script
// cannot be: both are blind spots for include!.
func (b *builder) include(e *Expansion, file *syntax.File, args []syntax.Token, pos position, st lstate) {
	rel, ok := firstString(b.fset, args)
	at := b.at(e.Call.Pos(), st.exp)
	if !ok {
		if e.Kind != Include {
			return
		}
		if mentions(b.fset, args, "OUT_DIR") {
			b.blind("generated-code", at, "%s! includes code the build script generates into OUT_DIR; that code is not analysed", e.Name)
		} else {
			b.blind("include-unknown", at, "%s! names its file with an expression Warden cannot evaluate; that code is not analysed", e.Name)
		}
		return
	}
	e.Path = rel
	if e.Kind != Include {
		return
	}
	target := rel
	if !filepath.IsAbs(target) {
		// As rustc does, relative to the file of the invocation in the
		// crate's source: an include! written in a macro's definition
		// names a file next to where the macro is used.
		base := file
		if f := b.fset.File(at); f != nil {
			base = f
		}
		target = filepath.Join(filepath.Dir(base.Name), rel)
	}
	real, err := filepath.EvalSymlinks(target)
	if err != nil {
		b.blind("include-unreadable", at, "%s! reads %s, which cannot be read (%v); that code is not analysed", e.Name, rel, err)
		return
	}
	root, err := filepath.EvalSymlinks(b.p.Crate.Dir)
	if err != nil {
		root = b.p.Crate.Dir
	}
	if r, err := filepath.Rel(root, real); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		b.p.Problems = append(b.p.Problems, load.Problem{Kind: "path-escape", Pos: b.fset.Position(at), Blind: true,
			Msg: e.Name + "! reads " + rel + ", outside the crate directory; not followed"})
		return
	}
	src, err := source.ReadFile(real)
	if err != nil {
		b.blind("include-unreadable", at, "%s! reads %s, which cannot be read (%v); that code is not analysed", e.Name, rel, err)
		return
	}
	f, err := b.fset.TryAddFile(real, string(src))
	if err != nil {
		b.blind("include-unreadable", at, "%s! reads %s: %v", e.Name, rel, err)
		return
	}
	toks, lexErrs := syntax.Lex(f)
	if n := len(toks); n > 0 && toks[n-1].Kind == syntax.EOF {
		toks = toks[:n-1]
	}
	var perrs syntax.ErrorList
	switch pos {
	case posExpr:
		e.Expr, perrs = syntax.ParseExpr(f, toks)
	case posStmts:
		e.Stmts, perrs = syntax.ParseStmts(f, toks)
	default:
		var sf *syntax.SourceFile
		sf, perrs = syntax.ParseFile(f)
		e.Items = sf.Items
		lexErrs = nil // ParseFile lexes the file itself and reports them
	}
	for _, err := range append(lexErrs, perrs...) {
		b.p.Problems = append(b.p.Problems, load.Problem{Kind: "syntax", Pos: err.Pos, Msg: err.Msg, Blind: true})
	}
}

// mentions reports whether a token list holds the string literal value.
func mentions(fset *syntax.FileSet, toks []syntax.Token, value string) bool {
	for _, t := range toks {
		if t.Kind == syntax.Str || t.Kind == syntax.RawStr {
			if v, ok := syntax.StringValue(fset.Text(t)); ok && v == value {
				return true
			}
		}
	}
	return false
}

// unknownMacro records a macro whose definition was found nowhere, and
// reads its arguments as code: they are the user's own tokens, and a
// macro usually evaluates them (log::info!("{}", fs::read(p)?)).
func (b *builder) unknownMacro(e *Expansion, call *syntax.MacroCall, file *syntax.File, args []syntax.Token, pos position, st lstate) {
	at := b.at(call.Pos(), st.exp)
	if c := b.macroCrate(call.Path, st); c != "" && b.opt.Macros != nil {
		b.blind("proc-macro", at, "macro %s! of %s is not a macro_rules! macro Warden found (a procedural macro?); what it generates is not analysed", e.Name, c)
	} else {
		where := "in the crate, its dependencies or the standard library"
		if b.opt.Macros == nil {
			where = "in the crate or the standard library; dependencies were not searched"
		}
		b.blind("macro-not-found", at, "macro %s! is defined nowhere Warden looked (%s): what it expands to is not analysed", e.Name, where)
	}
	if len(args) == 0 {
		return
	}
	e.Guessed = true
	if xs, ok := allExprs(file, args); ok {
		e.Exprs = xs
		return
	}
	if pos == posItems {
		if items, errs := syntax.ParseItems(file, args); len(errs) == 0 {
			e.Items = items
		}
		return
	}
	if stmts, errs := syntax.ParseStmts(file, args); len(errs) == 0 {
		e.Stmts = stmts
	}
}

// macroCrate returns the dependency a macro path names explicitly
// (dep::name! or a use of it), or "".
func (b *builder) macroCrate(p *syntax.Path, st lstate) string {
	var first string
	if len(p.Segments) > 1 {
		first = p.Segments[0].Name.Name
	} else if segs, _, ok := b.r.UseOf(st.scope, p.Segments[0].Name.Name); ok && len(segs) > 1 {
		first = segs[0]
	}
	if c, ok := b.r.Externs[first]; ok {
		switch c {
		case "std", "core", "alloc":
			return ""
		}
		return c
	}
	return ""
}

// allExprs parses every comma-separated argument as an expression.
func allExprs(file *syntax.File, args []syntax.Token) ([]syntax.Expr, bool) {
	var xs []syntax.Expr
	for _, a := range syntax.SplitTopLevel(args, syntax.Comma) {
		if len(a) == 0 {
			continue
		}
		x, errs := syntax.ParseExpr(file, a)
		if len(errs) > 0 {
			return nil, false
		}
		xs = append(xs, x)
	}
	return xs, true
}

// cfgIf selects the branches of cfg_if! (if #[cfg(p)] { .. } else if
// #[cfg(q)] { .. } else { .. }) and match_cfg! (#[cfg(p)] => { .. } _ =>
// { .. }) when their definitions are not available: every branch whose
// condition is not false, each under its condition (p; not(p) and q;
// ...).
func (b *builder) cfgIf(e *Expansion, file *syntax.File, args []syntax.Token, pos position, st lstate) {
	var prior []cfg.Expr // predicates of the branches before
	for _, br := range cfgBranches(b.fset, args) {
		var pred cfg.Expr
		truth := cfg.True
		if br.pred != nil {
			pred = br.pred
		}
		cond := pred
		if len(prior) > 0 {
			var none cfg.Expr
			if len(prior) == 1 {
				none = &cfg.Not{X: prior[0]}
			} else {
				none = &cfg.Not{X: &cfg.Any{List: prior}}
			}
			cond = cfg.And(none, pred)
		}
		var residual cfg.Expr
		if cond != nil {
			truth, residual = b.conf.Partial(cond)
		}
		if pred != nil {
			prior = append(prior, pred)
		}
		if truth == cfg.False {
			continue
		}
		switch pos {
		case posItems:
			items, _ := syntax.ParseItems(file, br.body)
			for _, it := range items {
				if residual != nil {
					b.p.conds[it] = cfg.And(residual, b.p.conds[it])
				}
			}
			e.Items = append(e.Items, items...)
		default:
			stmts, _ := syntax.ParseStmts(file, br.body)
			for _, s := range stmts {
				if residual != nil {
					b.p.conds[s] = residual
				}
			}
			e.Stmts = append(e.Stmts, stmts...)
		}
		if truth == cfg.True {
			return // later branches are not taken
		}
	}
}

type cfgBranch struct {
	pred cfg.Expr // nil for else / _
	body []syntax.Token
}

// cfgBranches splits the arguments of cfg_if! or match_cfg! into
// branches.
func cfgBranches(fset *syntax.FileSet, toks []syntax.Token) []cfgBranch {
	match := groupEnds(toks)
	var out []cfgBranch
	var pred cfg.Expr
	havePred := false
	for i := 0; i < len(toks); {
		t := toks[i]
		switch {
		case t.Kind == syntax.Pound && i+1 < len(toks) && toks[i+1].Kind == syntax.LBrack && match[i+1] > 0:
			end := match[i+1]
			if f := fset.File(t.Pos); f != nil {
				if a, errs := syntax.ParseMeta(f, toks[i+2:end]); len(errs) == 0 && a.Name() == "cfg" {
					if e, err := cfg.ParseAttr(fset, a); err == nil {
						pred, havePred = e, true
					}
				}
			}
			i = end + 1
		case t.Kind == syntax.LBrace && match[i] > 0:
			end := match[i]
			if havePred {
				out = append(out, cfgBranch{pred: pred, body: toks[i+1 : end]})
			} else {
				out = append(out, cfgBranch{body: toks[i+1 : end]})
			}
			pred, havePred = nil, false
			i = end + 1
		case t.Kind.IsOpen() && match[i] > 0:
			i = match[i] + 1
		default:
			i++
		}
	}
	return out
}

// groupEnds returns, for each opening delimiter of toks, the index of its
// closer (0 for other tokens and unmatched ones).
func groupEnds(toks []syntax.Token) []int {
	out := make([]int, len(toks))
	var stack []int
	for i, t := range toks {
		switch {
		case t.Kind.IsOpen():
			stack = append(stack, i)
		case t.Kind.IsClose():
			if n := len(stack); n > 0 {
				out[stack[n-1]] = i
				stack = stack[:n-1]
			}
		}
	}
	return out
}
