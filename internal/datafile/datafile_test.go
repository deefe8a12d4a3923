package datafile

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestEach(t *testing.T) {
	text := "# header\nfs  fn  path std::fs::read # trailing\n\n   \nenv fn path std::env::var\n#\n"
	var got []string
	err := Each(text, func(n int, f []string) error {
		got = append(got, fmt.Sprint(n, f))
		return nil
	})
	want := "2 [fs fn path std::fs::read]|5 [env fn path std::env::var]"
	if err != nil || strings.Join(got, "|") != want {
		t.Errorf("Each = %q, %v; want %q", strings.Join(got, "|"), err, want)
	}
	stop := errors.New("stop")
	calls := 0
	if err := Each("a\nb\nc\n", func(int, []string) error { calls++; return stop }); err != stop || calls != 1 {
		t.Errorf("Each did not stop at the first error: %v after %d calls", err, calls)
	}
}
