// Command warden audits Rust crates for what they can do to the outside
// world. This file only wires command-line flags to library calls.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	"github.com/wardenrs/warden/internal/report"
)

// Exit codes (documented in the README and in "warden help").
const (
	exitOK       = 0 // success, nothing to report
	exitFindings = 1 // the command found what it was asked to gate on
	exitUsage    = 2 // bad usage or unreadable input
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// errUsage marks errors caused by how the command was invoked.
var errUsage = errors.New("usage error")

// errFindings makes a command exit with exitFindings without a message.
var errFindings = errors.New("findings")

type command struct {
	name    string
	summary string
	usage   string // full help text after the synopsis
	run     func(ctx context.Context, env *env, args []string) error
}

// env carries the process's standard streams, so commands are testable.
type env struct {
	stdout, stderr io.Writer
}

func commands() []*command {
	return []*command{scanCommand(), treeCommand(), importsCommand(), iosafetyCommand(), auditCommand(), checkCommand(), diffCommand(), vetCommand(), serveCommand(), debugCommand(), versionCommand()}
}

const topUsage = `Warden audits Rust crates, without building or running them: what can
the code do to the outside world (files, network, processes, environment,
FFI, unsafe code, build-time execution), where, and through which public
functions.

Usage:
  warden <command> [flags] [arguments]

Commands:
%s
Run "warden help <command>" for the flags and arguments of a command.

Exit codes:
  0  success
  1  findings that a gate (for example --fail-on-errors) was asked to fail on
  2  usage error, or input that could not be read
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	// WARDEN_CPUPROFILE profiles any command (for measurements; not a
	// documented interface).
	stopProfile := func() {}
	if p := os.Getenv("WARDEN_CPUPROFILE"); p != "" {
		if sp, err := startCPUProfile(p); err == nil {
			stopProfile = sp
		}
	}
	code := run(ctx, &env{stdout: os.Stdout, stderr: os.Stderr}, cargoArgs(os.Args[0], os.Args[1:]))
	stop()
	stopProfile()
	os.Exit(code)
}

// cargoArgs makes the binary a cargo subcommand: installed (or linked)
// as cargo-warden, "cargo warden check" runs it as "cargo-warden warden
// check", and the "warden" argument is dropped.
func cargoArgs(argv0 string, args []string) []string {
	name := argv0[strings.LastIndexAny(argv0, `/\`)+1:] // either separator: a Windows path too
	name = strings.TrimSuffix(name, ".exe")
	if name == "cargo-warden" && len(args) > 0 && args[0] == "warden" {
		return args[1:]
	}
	return args
}

// run executes the command line args and returns the exit code.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usageText())
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 && name == "help" {
			return helpFor(e, args[1:])
		}
		fmt.Fprint(e.stdout, usageText())
		return exitOK
	case "-version", "--version":
		name = "version"
	}
	for _, c := range commands() {
		if c.name == name {
			return exitCode(e, c.name, c.run(ctx, e, args[1:]))
		}
	}
	fmt.Fprintf(e.stderr, "warden: unknown command %q\nRun \"warden help\" for the list of commands.\n", name)
	return exitUsage
}

func exitCode(e *env, name string, err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errFindings):
		return exitFindings
	case errors.Is(err, errUsage):
		fmt.Fprintf(e.stderr, "warden %s: %s\n", name, report.Clean(err.Error()))
		return exitUsage
	default:
		fmt.Fprintf(e.stderr, "warden %s: %s\n", name, report.Clean(err.Error()))
		return exitUsage
	}
}

func usageText() string {
	var b strings.Builder
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.summary)
	}
	return fmt.Sprintf(topUsage, b.String())
}

func helpFor(e *env, path []string) int {
	for _, c := range commands() {
		if c.name == path[0] {
			if c.name == "debug" && len(path) > 1 {
				for _, sc := range debugSubcommands() {
					if sc.name == path[1] {
						fmt.Fprint(e.stdout, sc.usage)
						return exitOK
					}
				}
			}
			fmt.Fprint(e.stdout, c.usage)
			return exitOK
		}
	}
	fmt.Fprintf(e.stderr, "warden help: unknown command %q\n", path[0])
	return exitUsage
}

// newFlagSet returns a FlagSet that prints usage to e.stderr and returns
// errors instead of exiting.
func newFlagSet(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprint(e.stderr, usage) }
	return fs
}

// parseFlags parses flags, mapping flag errors to usage errors. Flags may
// follow positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func versionCommand() *command {
	return &command{
		name:    "version",
		summary: "print Warden's version",
		usage:   "Usage: warden version\n\nPrints Warden's version.\n",
		run: func(_ context.Context, e *env, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("%w: version takes no arguments", errUsage)
			}
			fmt.Fprintf(e.stdout, "warden %s\n", version)
			return nil
		},
	}
}

// cacheVersion identifies this build of Warden in cache keys: results
// cached by another build (another release, another commit, or a
// development build, which is told apart by its executable) are never
// reused.
func cacheVersion() string {
	v := version
	local := version == "dev"
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				v += " " + s.Value
			case "vcs.modified":
				local = local || s.Value == "true"
			}
		}
	}
	if local {
		if exe, err := os.Executable(); err == nil {
			if st, err := os.Stat(exe); err == nil {
				v += fmt.Sprintf(" exe %d %d", st.Size(), st.ModTime().UnixNano())
			}
		}
	}
	return v
}
