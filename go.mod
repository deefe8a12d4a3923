module github.com/wardenrs/warden

go 1.26.8
