package syntax

// The syntax tree. Every node embeds a Span with exact start and end
// positions. Interfaces group nodes by role (Item, Expr, Stmt, Pat, Type);
// Walk and Inspect visit every node so later stages never write their own
// traversal. Macro invocations keep their token trees; ParseItems,
// ParseStmts and ParseExpr parse a token tree on demand.

// Span is the source range [Lo, Hi) of a node.
type Span struct{ Lo, Hi Pos }

// Pos returns the start of the node.
func (s Span) Pos() Pos { return s.Lo }

// End returns the position just past the node.
func (s Span) End() Pos { return s.Hi }

// Node is any syntax tree node.
type Node interface {
	Pos() Pos
	End() Pos
}

// Ident is a name with its position. Raw identifiers keep their r# in
// Raw; Name never has it.
type Ident struct {
	Span
	Name string
	Raw  bool
}

// ---------------------------------------------------------------------
// Files, attributes, visibility

// SourceFile is a parsed .rs file.
type SourceFile struct {
	Span
	File  *File
	Attrs []*Attr // inner attributes (#![...], //!)
	Items []Item
}

// Attr is an attribute or doc comment. For #[path(args)], Path is the
// attribute path and Tokens the token trees after it (delimited group or
// "= value" tokens); Doc holds the comment text for doc comments.
type Attr struct {
	Span
	Inner  bool
	Doc    string // non-empty for doc comments
	Unsafe bool   // #[unsafe(no_mangle)]
	Path   *Path
	Tokens []Token
}

// Name returns the attribute's path as written (e.g. "cfg", "doc",
// "rustfmt::skip").
func (a *Attr) Name() string {
	if a.Doc != "" || a.Path == nil {
		return "doc"
	}
	return a.Path.String()
}

// VisKind is the kind of a visibility qualifier.
type VisKind uint8

// Visibility kinds.
const (
	VisPrivate    VisKind = iota
	VisPub                // pub
	VisCrate              // pub(crate) or crate
	VisSuper              // pub(super)
	VisSelf               // pub(self)
	VisRestricted         // pub(in path)
)

func (k VisKind) String() string {
	return [...]string{"private", "pub", "pub(crate)", "pub(super)", "pub(self)", "pub(in)"}[k]
}

// Visibility is an item's visibility.
type Visibility struct {
	Span
	Kind VisKind
	Path *Path // for pub(in path)
}

// ---------------------------------------------------------------------
// Paths and generics

// Path is a (possibly qualified) path such as ::std::fs::File,
// Vec::<u8>::new or <T as Trait>::Item.
type Path struct {
	Span
	Global   bool   // leading ::
	QSelf    *QSelf // <T as Trait>::rest
	Segments []*PathSegment
}

// QSelf is the qualified-self part <Type as Trait> of a path. Position
// says how many leading segments of the path belong to Trait.
type QSelf struct {
	Span
	Type     Type
	Position int
}

// PathSegment is one segment: an identifier (or self, super, crate,
// Self, $crate) with optional generic arguments.
type PathSegment struct {
	Span
	Name Ident
	Args *GenericArgs
}

// String returns the path's segments joined by "::", without generics.
func (p *Path) String() string {
	if p == nil {
		return ""
	}
	n := 0
	for _, s := range p.Segments {
		n += len(s.Name.Name) + 2
	}
	b := make([]byte, 0, n+2)
	if p.Global {
		b = append(b, "::"...)
	}
	for i, s := range p.Segments {
		if i > 0 {
			b = append(b, "::"...)
		}
		b = append(b, s.Name.Name...)
	}
	return string(b)
}

// GenericArgs are <...> or (A, B) -> C arguments of a path segment.
type GenericArgs struct {
	Span
	Paren  bool // Fn(A, B) -> C sugar
	Args   []GenericArg
	Inputs []Type // for Paren
	Output Type   // for Paren
}

// GenericArg is one of *TypeArg, *LifetimeArg, *ConstArg,
// *AssocConstraint.
type GenericArg interface{ Node }

// TypeArg is a type argument.
type TypeArg struct {
	Span
	Type Type
}

// LifetimeArg is a lifetime argument.
type LifetimeArg struct {
	Span
	Name string
}

// ConstArg is a const argument: a literal, block or (negated) literal.
type ConstArg struct {
	Span
	Value Expr
}

// AssocConstraint is Name<Args> = Type, Name = const, or Name: Bounds.
type AssocConstraint struct {
	Span
	Name   Ident
	Args   *GenericArgs
	Type   Type
	Value  Expr
	Bounds []Bound
}

// Generics is the <...> parameter list of an item plus its where clause.
type Generics struct {
	Span
	Params []*GenericParam
	Where  []*WherePredicate
}

// GenericParamKind distinguishes lifetime, type and const parameters.
type GenericParamKind uint8

// Generic parameter kinds.
const (
	LifetimeParam GenericParamKind = iota
	TypeParam
	ConstParam
)

func (k GenericParamKind) String() string { return [...]string{"lifetime", "type", "const"}[k] }

// GenericParam is one generic parameter.
type GenericParam struct {
	Span
	Attrs   []*Attr
	Kind    GenericParamKind
	Name    Ident
	Bounds  []Bound // trait bounds or outlived lifetimes
	Type    Type    // const parameter type
	Default Node    // default type (Type) or const value (Expr)
}

// WherePredicate is one where-clause entry: Type: Bounds or 'a: 'b.
type WherePredicate struct {
	Span
	ForLifetimes []*GenericParam
	Lifetime     string
	Type         Type
	Bounds       []Bound
}

// Bound is a *TraitBound, *LifetimeBound or *UseBound.
type Bound interface{ Node }

// TraitBound is ?Sized, for<'a> Fn(&'a T), ~const Trait, (Trait).
type TraitBound struct {
	Span
	Maybe        bool // ?Trait
	Const        bool // ~const or const
	Async        bool
	ForLifetimes []*GenericParam
	Path         *Path
}

// LifetimeBound is 'a in a bound list.
type LifetimeBound struct {
	Span
	Name string
}

// UseBound is use<'a, T> in an impl Trait bound list.
type UseBound struct {
	Span
	Args []Token
}

// ---------------------------------------------------------------------
// Items

// Item is an item node: *UseItem, *FnItem, *ModItem, *StructItem,
// *EnumItem, *UnionItem, *TraitItem, *ImplItem, *ConstItem,
// *StaticItem, *TypeAliasItem, *ExternCrateItem, *ExternBlockItem,
// *MacroRulesItem, *MacroItem, *BadItem.
type Item interface {
	Node
	ItemAttrs() []*Attr
}

// ItemBase holds what every item has.
type ItemBase struct {
	Span
	Attrs []*Attr
	Vis   *Visibility
}

// ItemAttrs returns the item's outer attributes.
func (b *ItemBase) ItemAttrs() []*Attr { return b.Attrs }

// UseItem is use tree;
type UseItem struct {
	ItemBase
	Tree *UseTree
}

// UseTreeKind is the shape of a use tree.
type UseTreeKind uint8

// Use tree kinds.
const (
	UseSimple UseTreeKind = iota // a::b
	UseRename                    // a::b as c
	UseGlob                      // a::*
	UseGroup                     // a::{...}
)

func (k UseTreeKind) String() string {
	return [...]string{"simple", "rename", "glob", "group"}[k]
}

// UseTree is one node of a use tree. Path holds the prefix segments
// (for Simple and Rename, the last segment is the imported name).
type UseTree struct {
	Span
	Kind     UseTreeKind
	Global   bool // leading ::
	Path     []Ident
	Rename   Ident // for UseRename ("_" allowed)
	Children []*UseTree
}

// FnSig is a function signature.
type FnSig struct {
	Const    bool
	Async    bool
	Unsafe   bool
	Safe     bool // "safe fn" in unsafe extern blocks
	Extern   bool
	ABI      string // string literal including quotes, or ""
	Generics *Generics
	Params   []*Param
	Variadic bool
	Ret      Type
}

// Param is a function parameter. Self parameters have Self set and no
// Pat: self, &self, &'a mut self, mut self, self: Type.
type Param struct {
	Span
	Attrs   []*Attr
	Pat     Pat
	Type    Type // nil for bare self forms
	Self    bool
	SelfRef bool
	SelfMut bool
}

// FnItem is a function: free, associated, trait or foreign. Body is nil
// for declarations.
type FnItem struct {
	ItemBase
	Default bool
	Name    Ident
	Sig     FnSig
	Body    *BlockExpr
	// Plain is set when the body holds no macro invocation, no item and
	// no attribute: there is nothing in it to expand, declare or
	// evaluate for cfg.
	Plain bool
}

// ModItem is mod name; (Items nil, Inline false) or mod name { ... }.
type ModItem struct {
	ItemBase
	Unsafe     bool
	Name       Ident
	Inline     bool
	InnerAttrs []*Attr
	Items      []Item
}

// Field is a struct, union or variant field. Name is empty for tuple
// fields.
type Field struct {
	Span
	Attrs []*Attr
	Vis   *Visibility
	Name  Ident
	Type  Type
}

// StructKind is the shape of a struct or variant body.
type StructKind uint8

// Struct kinds.
const (
	StructUnit StructKind = iota
	StructTuple
	StructNamed
)

func (k StructKind) String() string { return [...]string{"unit", "tuple", "named"}[k] }

// StructItem is a struct definition.
type StructItem struct {
	ItemBase
	Name     Ident
	Generics *Generics
	Kind     StructKind
	Fields   []*Field
}

// UnionItem is a union definition.
type UnionItem struct {
	ItemBase
	Name     Ident
	Generics *Generics
	Fields   []*Field
}

// Variant is an enum variant.
type Variant struct {
	Span
	Attrs        []*Attr
	Name         Ident
	Kind         StructKind
	Fields       []*Field
	Discriminant Expr
}

// EnumItem is an enum definition.
type EnumItem struct {
	ItemBase
	Name     Ident
	Generics *Generics
	Variants []*Variant
}

// TraitItem is a trait definition (or trait alias when Alias is set).
type TraitItem struct {
	ItemBase
	Unsafe     bool
	Auto       bool
	Alias      bool
	Name       Ident
	Generics   *Generics
	Bounds     []Bound
	InnerAttrs []*Attr
	Items      []Item
}

// ImplItem is an inherent or trait impl block.
type ImplItem struct {
	ItemBase
	Default    bool
	Unsafe     bool
	Const      bool
	Generics   *Generics
	Negative   bool
	Trait      *Path // nil for inherent impls
	SelfType   Type
	InnerAttrs []*Attr
	Items      []Item
}

// ConstItem is const NAME: T = v; (Value nil in traits).
type ConstItem struct {
	ItemBase
	Default  bool
	Name     Ident
	Generics *Generics
	Type     Type
	Value    Expr
}

// StaticItem is static [mut] NAME: T = v; (Value nil in extern blocks).
type StaticItem struct {
	ItemBase
	Safety string // "", "safe" or "unsafe" (in extern blocks)
	Mut    bool
	Name   Ident
	Type   Type
	Value  Expr
}

// TypeAliasItem is type Name<..>: Bounds = Type; (Type nil when absent).
type TypeAliasItem struct {
	ItemBase
	Default  bool
	Name     Ident
	Generics *Generics
	Bounds   []Bound
	Type     Type
}

// ExternCrateItem is extern crate name [as rename];
type ExternCrateItem struct {
	ItemBase
	Name   Ident
	Rename *Ident
}

// ExternBlockItem is [unsafe] extern "ABI" { items }.
type ExternBlockItem struct {
	ItemBase
	Unsafe     bool
	ABI        string
	InnerAttrs []*Attr
	Items      []Item
}

// MacroRulesItem is macro_rules! name { rules } or, with Macro2 set, an
// unstable "macro name(...) { ... }" definition (Params then holds the
// parameter group, Body the body).
type MacroRulesItem struct {
	ItemBase
	Name   Ident
	Macro2 bool
	Params *TokenTree
	Body   *TokenTree
}

// MacroItem is a macro invocation in item position.
type MacroItem struct {
	ItemBase
	Mac *MacroCall
}

// BadItem stands for an item that could not be parsed.
type BadItem struct {
	ItemBase
}

// ---------------------------------------------------------------------
// Macros and token trees

// TokenTree is a delimited group of tokens as written. Tokens excludes
// the delimiters.
type TokenTree struct {
	Span
	Delim  Kind // LParen, LBrack or LBrace
	Tokens []Token
}

// MacroCall is path!(...), path![...] or path!{...}.
type MacroCall struct {
	Span
	Path *Path
	Args *TokenTree
}

// ---------------------------------------------------------------------
// Statements

// Stmt is *LetStmt, *ExprStmt, *ItemStmt or *EmptyStmt.
type Stmt interface{ Node }

// LetStmt is let pat: T = init else { ... };
type LetStmt struct {
	Span
	Attrs []*Attr
	Pat   Pat
	Type  Type
	Init  Expr
	Else  *BlockExpr
}

// ExprStmt is an expression statement; Semi reports a trailing ";".
type ExprStmt struct {
	Span
	Attrs []*Attr
	X     Expr
	Semi  bool
}

// ItemStmt is an item declared inside a block.
type ItemStmt struct {
	Span
	Item Item
}

// EmptyStmt is a lone ";".
type EmptyStmt struct{ Span }

// ---------------------------------------------------------------------
// Expressions

// Expr is any expression node.
type Expr interface{ Node }

// LitExpr is a literal (including true and false).
type LitExpr struct {
	Span
	Kind  Kind // literal token kind, or KwTrue/KwFalse
	Value string
}

// PathExpr is a path in expression position.
type PathExpr struct {
	Span
	Path *Path
}

// CallExpr is Fun(Args).
type CallExpr struct {
	Span
	Fun  Expr
	Args []Expr
}

// MethodCallExpr is Recv.Name::<T>(Args).
type MethodCallExpr struct {
	Span
	Recv      Expr
	Name      Ident
	Turbofish *GenericArgs
	Args      []Expr
}

// FieldExpr is X.Name (Name may be a tuple index such as "0").
type FieldExpr struct {
	Span
	X    Expr
	Name Ident
}

// IndexExpr is X[Index].
type IndexExpr struct {
	Span
	X     Expr
	Index Expr
}

// UnaryExpr is *X, !X or -X.
type UnaryExpr struct {
	Span
	Op Kind // Star, Not, Minus
	X  Expr
}

// RefExpr is &X, &mut X, &raw const X or &raw mut X.
type RefExpr struct {
	Span
	Mut bool
	Raw bool
	X   Expr
}

// BinaryExpr is X Op Y for arithmetic, comparison and logic operators.
type BinaryExpr struct {
	Span
	Op   Kind
	X, Y Expr
}

// AssignExpr is X = Y or a compound assignment X op= Y.
type AssignExpr struct {
	Span
	Op   Kind // Eq, PlusEq, ...
	X, Y Expr
}

// CastExpr is X as Type.
type CastExpr struct {
	Span
	X    Expr
	Type Type
}

// RangeExpr is X..Y, X..=Y, ..Y, X.., .. .
type RangeExpr struct {
	Span
	From, To  Expr
	Inclusive bool
}

// BlockExpr is a block, possibly labelled, unsafe, async, const, gen or
// try.
type BlockExpr struct {
	Span
	Label  string
	Unsafe bool
	Async  bool
	Const  bool
	Move   bool
	Try    bool
	Attrs  []*Attr // inner attributes
	Stmts  []Stmt
}

// IfExpr is if Cond { Then } else Else; Cond may contain LetExpr.
type IfExpr struct {
	Span
	Cond Expr
	Then *BlockExpr
	Else Expr // *BlockExpr, *IfExpr or nil
}

// LetExpr is let Pat = X inside if/while conditions.
type LetExpr struct {
	Span
	Pat Pat
	X   Expr
}

// WhileExpr is 'label: while Cond { Body }.
type WhileExpr struct {
	Span
	Label string
	Cond  Expr
	Body  *BlockExpr
}

// LoopExpr is 'label: loop { Body }.
type LoopExpr struct {
	Span
	Label string
	Body  *BlockExpr
}

// ForExpr is 'label: for Pat in X { Body }.
type ForExpr struct {
	Span
	Label string
	Pat   Pat
	X     Expr
	Body  *BlockExpr
}

// MatchExpr is match X { arms }.
type MatchExpr struct {
	Span
	X    Expr
	Arms []*MatchArm
}

// MatchArm is Pat if Guard => Body.
type MatchArm struct {
	Span
	Attrs []*Attr
	Pat   Pat
	Guard Expr
	Body  Expr
}

// ClosureExpr is [static] [async] [move] |params| -> Ret body.
type ClosureExpr struct {
	Span
	ForLifetimes []*GenericParam
	Const        bool
	Static       bool
	Async        bool
	Move         bool
	Params       []*Param
	Ret          Type
	Body         Expr
}

// ReturnExpr is return X.
type ReturnExpr struct {
	Span
	X Expr
}

// BreakExpr is break 'label X.
type BreakExpr struct {
	Span
	Label string
	X     Expr
}

// ContinueExpr is continue 'label.
type ContinueExpr struct {
	Span
	Label string
}

// YieldExpr is yield X.
type YieldExpr struct {
	Span
	X Expr
}

// BecomeExpr is become X.
type BecomeExpr struct {
	Span
	X Expr
}

// TryExpr is X?.
type TryExpr struct {
	Span
	X Expr
}

// AwaitExpr is X.await.
type AwaitExpr struct {
	Span
	X Expr
}

// TupleExpr is (a, b, ...) or ().
type TupleExpr struct {
	Span
	Elems []Expr
}

// ParenExpr is (X).
type ParenExpr struct {
	Span
	X Expr
}

// ArrayExpr is [a, b, ...].
type ArrayExpr struct {
	Span
	Elems []Expr
}

// RepeatExpr is [X; N].
type RepeatExpr struct {
	Span
	X, N Expr
}

// StructExpr is Path { field: x, ..base }.
type StructExpr struct {
	Span
	Path   *Path
	Fields []*FieldInit
	Base   Expr
	Rest   bool // ".." with no base (default field values)
}

// FieldInit is name: X or a shorthand name.
type FieldInit struct {
	Span
	Attrs     []*Attr
	Name      Ident
	X         Expr
	Shorthand bool
}

// MacroExpr is a macro invocation in expression or statement position.
type MacroExpr struct {
	Span
	Mac *MacroCall
}

// UnderscoreExpr is _ (destructuring assignment).
type UnderscoreExpr struct{ Span }

// BoxExpr is the unstable box X.
type BoxExpr struct {
	Span
	X Expr
}

// BadExpr stands for an expression that could not be parsed.
type BadExpr struct{ Span }

// ---------------------------------------------------------------------
// Patterns

// Pat is any pattern node.
type Pat interface{ Node }

// WildPat is _.
type WildPat struct{ Span }

// RestPat is .. inside tuple and slice patterns.
type RestPat struct{ Span }

// IdentPat is [ref] [mut] name [@ Sub].
type IdentPat struct {
	Span
	Ref  bool
	Mut  bool
	Name Ident
	Sub  Pat
}

// LitPat is a literal, possibly negated.
type LitPat struct {
	Span
	X Expr
}

// RangePat is Lo..=Hi, Lo.., ..=Hi (bounds are literal or path exprs).
type RangePat struct {
	Span
	Lo, Hi    Expr
	Inclusive bool
}

// PathPat is a path pattern (unit struct, constant, variant).
type PathPat struct {
	Span
	Path *Path
}

// TupleStructPat is Path(a, b).
type TupleStructPat struct {
	Span
	Path  *Path
	Elems []Pat
}

// StructPat is Path { field: pat, .. }.
type StructPat struct {
	Span
	Path   *Path
	Fields []*FieldPat
	Rest   bool
}

// FieldPat is name: pat or shorthand [ref] [mut] name.
type FieldPat struct {
	Span
	Attrs     []*Attr
	Name      Ident
	Pat       Pat
	Shorthand bool
}

// TuplePat is (a, b).
type TuplePat struct {
	Span
	Elems []Pat
}

// ParenPat is (p).
type ParenPat struct {
	Span
	Pat Pat
}

// SlicePat is [a, .., b].
type SlicePat struct {
	Span
	Elems []Pat
}

// RefPat is &p or &mut p.
type RefPat struct {
	Span
	Mut bool
	Pat Pat
}

// BoxPat is box p.
type BoxPat struct {
	Span
	Pat Pat
}

// OrPat is p | q.
type OrPat struct {
	Span
	Alts []Pat
}

// MacroPat is a macro invocation in pattern position.
type MacroPat struct {
	Span
	Mac *MacroCall
}

// ---------------------------------------------------------------------
// Types

// Type is any type node.
type Type interface{ Node }

// PathType is a path type such as Vec<u8> or <T as Trait>::Out.
type PathType struct {
	Span
	Path *Path
}

// RefType is &'a mut T.
type RefType struct {
	Span
	Lifetime string
	Mut      bool
	Elem     Type
}

// PtrType is *const T or *mut T.
type PtrType struct {
	Span
	Mut  bool
	Elem Type
}

// SliceType is [T].
type SliceType struct {
	Span
	Elem Type
}

// ArrayType is [T; N].
type ArrayType struct {
	Span
	Elem Type
	Len  Expr
}

// TupleType is (A, B) or ().
type TupleType struct {
	Span
	Elems []Type
}

// ParenType is (T).
type ParenType struct {
	Span
	Elem Type
}

// FnPtrType is [for<'a>] [unsafe] [extern "C"] fn(A, B) -> C.
type FnPtrType struct {
	Span
	ForLifetimes []*GenericParam
	Unsafe       bool
	ABI          string
	Extern       bool
	Params       []*Param
	Variadic     bool
	Ret          Type
}

// NeverType is !.
type NeverType struct{ Span }

// InferType is _.
type InferType struct{ Span }

// ImplTraitType is impl Bounds.
type ImplTraitType struct {
	Span
	Bounds []Bound
}

// TraitObjectType is dyn Bounds (or a bare trait object).
type TraitObjectType struct {
	Span
	Dyn    bool
	Bounds []Bound
}

// MacroType is a macro invocation in type position.
type MacroType struct {
	Span
	Mac *MacroCall
}

// BadType stands for a type that could not be parsed.
type BadType struct{ Span }
