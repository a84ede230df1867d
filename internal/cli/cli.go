// Package cli is Pingyi's command line (SPEC §6). Main returns the exit
// status: 0 success, 1 input refused, 2 usage error.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
)

// Exit statuses.
const (
	ExitOK      = 0
	ExitRefused = 1
	ExitUsage   = 2
)

// DefaultDB is the database used without --db or $PINGYI_DB.
const DefaultDB = "sqlite:pingyi.db"

// env carries what every command needs.
type env struct {
	ctx    context.Context
	dsn    string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

func (e *env) open() (*store.Store, error) {
	return store.Open(e.ctx, e.dsn)
}

type command struct {
	name  string // "import orgs"
	args  string // usage after the name
	short string
	run   func(e *env, args []string) int
}

var commands []command

func register(c command) { commands = append(commands, c) }

// usageError is returned by commands for bad flags or arguments.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

const globalUsage = `pingyi — 评议: mass appraisal, star management, double report, commitments.

Usage: pingyi [--db DSN] COMMAND [ARGS]

  --db DSN   sqlite:PATH (default sqlite:pingyi.db) or postgres://…;
             the environment variable PINGYI_DB also sets it.

Commands:
`

func printUsage(w io.Writer) {
	fmt.Fprint(w, globalUsage)
	cs := append([]command(nil), commands...)
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-18s %s\n", c.name, c.short)
	}
	fmt.Fprint(w, "\nRun 'pingyi COMMAND --help' for a command's options.\nExit status: 0 success, 1 input refused, 2 usage error.\n")
}

// Main runs the command line.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	dsn := os.Getenv("PINGYI_DB")
	if dsn == "" {
		dsn = DefaultDB
	}
	// Global flags come before the command.
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		a := args[0]
		switch {
		case a == "--db" || a == "-db":
			if len(args) < 2 {
				fmt.Fprintln(stderr, "pingyi: --db needs a value")
				return ExitUsage
			}
			dsn = args[1]
			args = args[2:]
		case strings.HasPrefix(a, "--db=") || strings.HasPrefix(a, "-db="):
			dsn = a[strings.Index(a, "=")+1:]
			args = args[1:]
		case a == "-h" || a == "--help" || a == "-help":
			printUsage(stdout)
			return ExitOK
		default:
			fmt.Fprintf(stderr, "pingyi: unknown flag %s\n", a)
			printUsage(stderr)
			return ExitUsage
		}
	}
	if len(args) == 0 {
		printUsage(stderr)
		return ExitUsage
	}
	if args[0] == "help" {
		printUsage(stdout)
		return ExitOK
	}
	// Longest matching command name (two words, then one).
	var cmd *command
	var rest []string
	for _, n := range []int{2, 1} {
		if len(args) < n {
			continue
		}
		name := strings.Join(args[:n], " ")
		for i := range commands {
			if commands[i].name == name {
				cmd, rest = &commands[i], args[n:]
				break
			}
		}
		if cmd != nil {
			break
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "pingyi: unknown command %q\n", strings.Join(args, " "))
		printUsage(stderr)
		return ExitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{ctx: ctx, dsn: dsn, stdin: stdin, stdout: stdout, stderr: stderr}
	return cmd.run(e, rest)
}

// newFlags makes a flag set for a command that prints its usage on -h.
func newFlags(e *env, c string, args string) *flag.FlagSet {
	fs := flag.NewFlagSet("pingyi "+c, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	// --db is accepted after the command too.
	fs.StringVar(&e.dsn, "db", e.dsn, "database: sqlite:PATH or postgres://… (also $PINGYI_DB)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: pingyi [--db DSN] %s %s\n", c, args)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags and returns the exit status to use if it failed (-1 to
// go on). Flags may come before or after positional arguments.
func parse(e *env, fs *flag.FlagSet, args []string) ([]string, int) {
	var pos []string
	usage := fs.Usage
	fs.Usage = func() {} // printed once below: on stdout for --help, stderr for a mistake
	defer func() { fs.Usage = usage }()
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(e.stdout)
				usage()
				return nil, ExitOK
			}
			usage()
			return nil, ExitUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	return pos, -1
}

// fail reports an error and returns the exit status it deserves: 1 for a
// refused input (every bad line on its own stderr line), else 1 as well for
// other failures (a database that cannot be opened is not a usage error).
func fail(e *env, err error) int {
	var ie *pingyi.InputError
	var ue usageError
	switch {
	case errors.As(err, &ie):
		for _, fe := range ie.Errors {
			fmt.Fprintf(e.stderr, "%s\n", fe.Error())
		}
		fmt.Fprintf(e.stderr, "refused: %d error(s); nothing was changed\n", len(ie.Errors))
		return ExitRefused
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "pingyi: %s\n", ue.msg)
		return ExitUsage
	}
	fmt.Fprintf(e.stderr, "pingyi: %v\n", err)
	return ExitRefused
}
