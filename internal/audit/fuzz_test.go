package audit

import (
	"strings"
	"testing"
)

// FuzzParse: any project file is read or refused with an error naming
// the file, never a panic (the file is in a repository anyone can send
// a pull request to).
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"[policy]\nblind = \"warn\"\n[crates.tokio]\nallow = [\"net\"]\n",
		"[[decision]]\ncrate = \"a\"\nid = \"1\"\ndecision = \"safe\"\nreason = \"r\"\n",
		"[policy\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		_, err := Parse("warden.toml", []byte(text))
		if err != nil && !strings.HasPrefix(err.Error(), "warden.toml") {
			t.Fatalf("error %q does not name the file", err)
		}
	})
}
