package syntax

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// StringValue decodes the text of a string literal token ("...", r"...",
// r#"..."#, with an optional suffix) into its value. It reports false
// for byte and C strings, malformed escapes and non-string tokens.
func StringValue(lit string) (string, bool) {
	if strings.HasPrefix(lit, "r") {
		body := lit[1:]
		hashes := 0
		for hashes < len(body) && body[hashes] == '#' {
			hashes++
		}
		body = body[hashes:]
		closing := `"` + strings.Repeat("#", hashes)
		if !strings.HasPrefix(body, `"`) {
			return "", false
		}
		end := strings.LastIndex(body, closing)
		if end <= 0 {
			return "", false
		}
		return body[1:end], true
	}
	if !strings.HasPrefix(lit, `"`) {
		return "", false
	}
	end := strings.LastIndexByte(lit, '"')
	if end <= 0 {
		return "", false
	}
	body := lit[1:end]
	if !strings.ContainsRune(body, '\\') {
		return body, true
	}
	var b strings.Builder
	for i := 0; i < len(body); {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(body) {
			return "", false
		}
		switch e := body[i+1]; e {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case '\\', '\'', '"':
			b.WriteByte(e)
		case '0':
			b.WriteByte(0)
		case '\n':
			// Line continuation: skip the newline and leading whitespace.
			i += 2
			for i < len(body) && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r') {
				i++
			}
			continue
		case 'x':
			if i+4 > len(body) {
				return "", false
			}
			v, err := strconv.ParseUint(body[i+2:i+4], 16, 8)
			if err != nil || v > 0x7f {
				return "", false
			}
			b.WriteByte(byte(v))
			i += 4
			continue
		case 'u':
			close := strings.IndexByte(body[i:], '}')
			if i+3 > len(body) || body[i+2] != '{' || close < 0 {
				return "", false
			}
			hex := strings.ReplaceAll(body[i+3:i+close], "_", "")
			v, err := strconv.ParseUint(hex, 16, 32)
			if err != nil || !utf8.ValidRune(rune(v)) {
				return "", false
			}
			b.WriteRune(rune(v))
			i += close + 1
			continue
		default:
			return "", false
		}
		i += 2
	}
	return b.String(), true
}
