module github.com/wardenrs/warden

go 1.26.8

require (
	github.com/BurntSushi/toml v1.6.0
	golang.org/x/sync v0.25.0
	golang.org/x/term v0.48.0
)

require golang.org/x/sys v0.50.0 // indirect
