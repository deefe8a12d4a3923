package analysis

import "testing"

func TestUnalias(t *testing.T) {
	u := &Unit{Crate: "tokio", Aliases: map[string]string{
		"tokio::net::TcpStream": "tokio::net::tcp::stream::TcpStream",
		"tokio::io":             "tokio::io",                // an alias to itself is no re-export
		"tokio::sync":           "tokio_sync::sync",         // a module of another crate
		"tokio::sync::Mutex":    "tokio_sync::mutex::Mutex", // the longest prefix wins
	}}
	for _, tc := range []struct {
		path, want string
		ok         bool
	}{
		{"tokio::net::TcpStream::connect", "tokio::net::tcp::stream::TcpStream::connect", true},
		{"tokio::net::TcpStream", "tokio::net::tcp::stream::TcpStream", true},
		{"tokio::sync::Mutex::lock", "tokio_sync::mutex::Mutex::lock", true},
		{"tokio::sync::Notify::new", "tokio_sync::sync::Notify::new", true},
		{"tokio::io::stdin", "tokio::io::stdin", false},
		{"tokio::spawn", "tokio::spawn", false},
		{"tokio", "tokio", false},
	} {
		got, ok := u.Unalias(tc.path)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Unalias(%q) = %q, %v; want %q, %v", tc.path, got, ok, tc.want, tc.ok)
		}
	}
}
