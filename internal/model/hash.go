package model

import (
	"crypto/sha256"
	"encoding/hex"
)

// BuiltinHash is a digest of the embedded model: caches of analysis
// results are keyed by it, so a changed model invalidates them.
func BuiltinHash() string {
	h := sha256.Sum256([]byte(builtin))
	return hex.EncodeToString(h[:8])
}
