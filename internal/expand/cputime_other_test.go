//go:build !unix

package expand

import "time"

var processStart = time.Now()

// cpuTime approximates CPU time by wall time where rusage is missing.
func cpuTime() time.Duration { return time.Since(processStart) }
