package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/wardenrs/warden/internal/parsestats"
)

func main() {
	enc := json.NewEncoder(os.Stdout)
	for _, name := range os.Args[3:] {
		src, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			continue
		}
		enc.Encode(parsestats.File(name, src))
	}
}
