package syntax

// ParsePat parses tokens (a macro expansion in pattern position) as one
// pattern; trailing tokens are an error.
func ParsePat(file *File, tokens []Token) (x Pat, errs ErrorList) {
	p := newParser(file, tokenStream(file, tokens))
	defer p.finish(&errs)
	defer func() {
		if x == nil {
			x = &WildPat{Span{file.Base, file.Base}}
		}
	}()
	x = p.pattern()
	if p.kind() != EOF {
		p.errorf("unexpected %s after pattern", p.desc())
	}
	return x, nil
}

// ParseType parses tokens (a macro expansion in type position) as one
// type; trailing tokens are an error.
func ParseType(file *File, tokens []Token) (x Type, errs ErrorList) {
	p := newParser(file, tokenStream(file, tokens))
	defer p.finish(&errs)
	defer func() {
		if x == nil {
			x = &BadType{Span{file.Base, file.Base}}
		}
	}()
	x = p.typ(true)
	if p.kind() != EOF {
		p.errorf("unexpected %s after type", p.desc())
	}
	return x, nil
}
