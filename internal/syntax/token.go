package syntax

import "strconv"

// Kind is the lexical class of a token.
type Kind uint8

// Token kinds. Keywords get their own kinds so the parser compares
// integers, not strings; weak keywords (union, auto, default, raw,
// macro_rules, safe) stay identifiers and are recognised by context.
const (
	EOF Kind = iota
	Invalid
	Identifier // foo, r#foo (Text keeps the r# prefix)
	Lifetime   // 'a, 'static, '_
	// Literals. Text is the exact source text, suffix included.
	Int
	Float
	Char
	Byte
	Str
	ByteStr
	CStr
	RawStr
	RawByteStr
	RawCStr
	DocComment // ///, //!, /** */, /*! */ (Text is the whole comment)

	// Delimiters.
	LParen
	RParen
	LBrack
	RBrack
	LBrace
	RBrace

	// Punctuation.
	Semi      // ;
	Comma     // ,
	Dot       // .
	DotDot    // ..
	DotDotDot // ...
	DotDotEq  // ..=
	Colon     // :
	PathSep   // ::
	RArrow    // ->
	FatArrow  // =>
	Pound     // #
	Dollar    // $
	Question  // ?
	Tilde     // ~
	At        // @
	Eq        // =
	EqEq      // ==
	Ne        // !=
	Lt        // <
	Le        // <=
	Gt        // >
	Ge        // >=
	Not       // !
	AndAnd    // &&
	OrOr      // ||
	Plus      // +
	Minus     // -
	Star      // *
	Slash     // /
	Percent   // %
	Caret     // ^
	And       // &
	Or        // |
	Shl       // <<
	Shr       // >>
	PlusEq    // +=
	MinusEq   // -=
	StarEq    // *=
	SlashEq   // /=
	PercentEq // %=
	CaretEq   // ^=
	AndEq     // &=
	OrEq      // |=
	ShlEq     // <<=
	ShrEq     // >>=
	LArrow    // <- (not valid Rust; lexed so macros can carry it)

	// Strict keywords.
	kwStart
	KwAs
	KwAsync
	KwAwait
	KwBreak
	KwConst
	KwContinue
	KwCrate
	KwDyn
	KwElse
	KwEnum
	KwExtern
	KwFalse
	KwFn
	KwFor
	KwIf
	KwImpl
	KwIn
	KwLet
	KwLoop
	KwMatch
	KwMod
	KwMove
	KwMut
	KwPub
	KwRef
	KwReturn
	KwSelfValue // self
	KwSelfType  // Self
	KwStatic
	KwStruct
	KwSuper
	KwTrait
	KwTrue
	KwType
	KwUnsafe
	KwUse
	KwWhere
	KwWhile
	// Reserved keywords.
	KwAbstract
	KwBecome
	KwBox
	KwDo
	KwFinal
	KwGen
	KwMacro
	KwOverride
	KwPriv
	KwTry
	KwTypeof
	KwUnsized
	KwVirtual
	KwYield
	kwEnd
)

var kindNames = [...]string{
	EOF: "end of file", Invalid: "invalid token", Identifier: "identifier", Lifetime: "lifetime",
	Int: "integer literal", Float: "float literal", Char: "char literal", Byte: "byte literal",
	Str: "string literal", ByteStr: "byte string literal", CStr: "C string literal",
	RawStr: "raw string literal", RawByteStr: "raw byte string literal", RawCStr: "raw C string literal",
	DocComment: "doc comment",
	LParen:     "(", RParen: ")", LBrack: "[", RBrack: "]", LBrace: "{", RBrace: "}",
	Semi: ";", Comma: ",", Dot: ".", DotDot: "..", DotDotDot: "...", DotDotEq: "..=",
	Colon: ":", PathSep: "::", RArrow: "->", FatArrow: "=>", Pound: "#", Dollar: "$",
	Question: "?", Tilde: "~", At: "@", Eq: "=", EqEq: "==", Ne: "!=", Lt: "<", Le: "<=",
	Gt: ">", Ge: ">=", Not: "!", AndAnd: "&&", OrOr: "||", Plus: "+", Minus: "-", Star: "*",
	Slash: "/", Percent: "%", Caret: "^", And: "&", Or: "|", Shl: "<<", Shr: ">>",
	PlusEq: "+=", MinusEq: "-=", StarEq: "*=", SlashEq: "/=", PercentEq: "%=", CaretEq: "^=",
	AndEq: "&=", OrEq: "|=", ShlEq: "<<=", ShrEq: ">>=", LArrow: "<-",
	KwAs: "as", KwAsync: "async", KwAwait: "await", KwBreak: "break", KwConst: "const",
	KwContinue: "continue", KwCrate: "crate", KwDyn: "dyn", KwElse: "else", KwEnum: "enum",
	KwExtern: "extern", KwFalse: "false", KwFn: "fn", KwFor: "for", KwIf: "if", KwImpl: "impl",
	KwIn: "in", KwLet: "let", KwLoop: "loop", KwMatch: "match", KwMod: "mod", KwMove: "move",
	KwMut: "mut", KwPub: "pub", KwRef: "ref", KwReturn: "return", KwSelfValue: "self",
	KwSelfType: "Self", KwStatic: "static", KwStruct: "struct", KwSuper: "super",
	KwTrait: "trait", KwTrue: "true", KwType: "type", KwUnsafe: "unsafe", KwUse: "use",
	KwWhere: "where", KwWhile: "while", KwAbstract: "abstract", KwBecome: "become",
	KwBox: "box", KwDo: "do", KwFinal: "final", KwGen: "gen", KwMacro: "macro",
	KwOverride: "override", KwPriv: "priv", KwTry: "try", KwTypeof: "typeof",
	KwUnsized: "unsized", KwVirtual: "virtual", KwYield: "yield",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// IsKeyword reports whether k is a strict or reserved keyword.
func (k Kind) IsKeyword() bool { return k > kwStart && k < kwEnd }

// IsLiteral reports whether k is a literal token kind.
func (k Kind) IsLiteral() bool { return k >= Int && k <= RawCStr }

// IsOpen reports whether k opens a delimited group.
func (k Kind) IsOpen() bool { return k == LParen || k == LBrack || k == LBrace }

// IsClose reports whether k closes a delimited group.
func (k Kind) IsClose() bool { return k == RParen || k == RBrack || k == RBrace }

// closer returns the closing delimiter for an opening one.
func closer(k Kind) Kind {
	switch k {
	case LParen:
		return RParen
	case LBrack:
		return RBrack
	}
	return RBrace
}

// keyword maps an identifier's text to its keyword kind, or Identifier.
// Edition-dependent keywords (async, await, dyn, try, gen) are always
// treated as keywords where they can only be keywords; the parser
// accepts them as identifiers where an identifier is expected.
func keyword(s string) Kind {
	switch len(s) {
	case 2:
		switch s {
		case "as":
			return KwAs
		case "fn":
			return KwFn
		case "if":
			return KwIf
		case "in":
			return KwIn
		case "do":
			return KwDo
		}
	case 3:
		switch s {
		case "dyn":
			return KwDyn
		case "for":
			return KwFor
		case "let":
			return KwLet
		case "mod":
			return KwMod
		case "mut":
			return KwMut
		case "pub":
			return KwPub
		case "ref":
			return KwRef
		case "use":
			return KwUse
		case "box":
			return KwBox
		case "try":
			return KwTry
		case "gen":
			return KwGen
		}
	case 4:
		switch s {
		case "else":
			return KwElse
		case "enum":
			return KwEnum
		case "impl":
			return KwImpl
		case "loop":
			return KwLoop
		case "move":
			return KwMove
		case "self":
			return KwSelfValue
		case "Self":
			return KwSelfType
		case "true":
			return KwTrue
		case "type":
			return KwType
		case "priv":
			return KwPriv
		}
	case 5:
		switch s {
		case "async":
			return KwAsync
		case "await":
			return KwAwait
		case "break":
			return KwBreak
		case "const":
			return KwConst
		case "crate":
			return KwCrate
		case "false":
			return KwFalse
		case "match":
			return KwMatch
		case "super":
			return KwSuper
		case "trait":
			return KwTrait
		case "where":
			return KwWhere
		case "while":
			return KwWhile
		case "final":
			return KwFinal
		case "macro":
			return KwMacro
		case "yield":
			return KwYield
		}
	case 6:
		switch s {
		case "extern":
			return KwExtern
		case "return":
			return KwReturn
		case "static":
			return KwStatic
		case "struct":
			return KwStruct
		case "unsafe":
			return KwUnsafe
		case "become":
			return KwBecome
		case "typeof":
			return KwTypeof
		}
	case 7:
		switch s {
		case "unsized":
			return KwUnsized
		case "virtual":
			return KwVirtual
		}
	case 8:
		switch s {
		case "continue":
			return KwContinue
		case "abstract":
			return KwAbstract
		case "override":
			return KwOverride
		}
	}
	return Identifier
}

// Token is one lexical token: its kind and its source range. It holds no
// pointer (12 bytes), so token slices are cheap to allocate and invisible
// to the garbage collector's scanning; its text is recovered from the
// source with File.Text or FileSet.Text.
type Token struct {
	Pos  Pos   // start, in the FileSet's position space
	Len  int32 // length in bytes (0 for synthetic tokens)
	Kind Kind
}

// End returns the position just past the token.
func (t Token) End() Pos { return t.Pos + Pos(t.Len) }
