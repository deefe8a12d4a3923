package parsestats

import (
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends s as one line of JSON (newline included) to b: the
// bytes a json.Encoder with SetEscapeHTML(false) writes for s, which
// TestAppendJSONMatchesEncodingJSON and FuzzAppendJSON check. It is
// written by hand because parse-stats prints one line per file: encoding
// the fixed shape through reflection cost more than reading the file.
func (s *Stats) AppendJSON(b []byte) []byte {
	b = append(b, `{"file":`...)
	b = appendJSONString(b, s.File)
	b = appendJSONInt(b, `,"bytes":`, s.Bytes)
	b = appendJSONInt(b, `,"fns":`, s.Fns)
	b = appendJSONInt(b, `,"calls":`, s.Calls)
	b = appendJSONInt(b, `,"method_calls":`, s.MethodCalls)
	b = appendJSONInt(b, `,"macro_calls":`, s.MacroCalls)
	b = appendJSONInt(b, `,"unsafe_blocks":`, s.UnsafeBlocks)
	b = appendJSONInt(b, `,"use_leaves":`, s.UseLeaves)
	b = append(b, `,"errors":`...)
	if s.Errors == nil {
		b = append(b, "null"...) // as encoding/json writes a nil slice
	} else {
		b = append(b, '[')
		for i, e := range s.Errors {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, e)
		}
		b = append(b, ']')
	}
	return append(b, "}\n"...)
}

func appendJSONInt(b []byte, key string, n int) []byte {
	return strconv.AppendInt(append(b, key...), int64(n), 10)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string the way encoding/json does
// without HTML escaping. File names and messages come from untrusted
// crates, so every byte matters: quotes and backslashes are escaped;
// control characters become \b, \f, \n, \r, \t or \u00XX; each byte of
// invalid UTF-8 becomes \ufffd; U+2028 and U+2029 are escaped (they end
// lines in JavaScript); everything else, DEL and '<', '>', '&' included,
// is copied as is.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	done := 0 // s[:done] has been appended
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[done:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, `\b`...)
			case '\f':
				b = append(b, `\f`...)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			done = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[done:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[done:i]...)
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		done = i
	}
	b = append(b, s[done:]...)
	return append(b, '"')
}
