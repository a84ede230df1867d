package cli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"strconv"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

func init() {
	register(command{name: "star import", args: "--year Y FILE", short: "import the star ratings of a year (CSV or XLSX; all or nothing)", run: runStarImport})
	register(command{name: "star finalize", args: "--year Y --scope ORG", short: "level the members of a subtree, check quotas, pair helpers; print CSV", run: runStarFinalize})
}

// StarFinalHeader is the header star finalize prints (SPEC §6).
var StarFinalHeader = []string{"member_code", "stars", "cap", "level", "helper_code"}

// starYear checks the --year flag, printing the problem (usage error).
func starYear(e *env, cmd string, year int, set bool) bool {
	if !set {
		fmt.Fprintf(e.stderr, "pingyi %s: missing --year\n", cmd)
		return false
	}
	if !stars.ValidYear(year) {
		fmt.Fprintf(e.stderr, "pingyi %s: bad --year %d (%d–%d)\n", cmd, year, stars.MinYear, stars.MaxYear)
		return false
	}
	return true
}

// starFlagGiven reports whether the flag name was given.
func starFlagGiven(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			found = true
		}
	})
	return found
}

func runStarImport(e *env, args []string) int {
	const cmd = "star import"
	fs := newFlags(e, cmd, "--year Y FILE")
	year := fs.Int("year", 0, "the year rated (required)")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if !starYear(e, cmd, *year, starFlagGiven(fs, "year")) {
		fs.Usage()
		return ExitUsage
	}
	if len(pos) != 1 {
		if len(pos) == 0 {
			fmt.Fprintf(e.stderr, "pingyi %s: missing FILE\n", cmd)
		} else {
			fmt.Fprintf(e.stderr, "pingyi %s: one FILE only, not %d\n", cmd, len(pos))
		}
		fs.Usage()
		return ExitUsage
	}
	t, err := readTable(pos[0], stars.Columns, nil, false)
	if err != nil {
		return fail(e, err)
	}
	rows := stars.Rows(t)
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	stats, err := stars.New(s).Import(e.ctx, *year, rows, store.CLI)
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "stars %d: %s\n", *year, stats)
	return ExitOK
}

func runStarFinalize(e *env, args []string) int {
	const cmd = "star finalize"
	fs := newFlags(e, cmd, "--year Y --scope ORG")
	year := fs.Int("year", 0, "the year to finalize (required)")
	scope := fs.String("scope", "", "code of the org whose subtree is finalized (required)")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if !starYear(e, cmd, *year, starFlagGiven(fs, "year")) {
		fs.Usage()
		return ExitUsage
	}
	if *scope == "" || len(pos) > 0 {
		if *scope == "" {
			fmt.Fprintf(e.stderr, "pingyi %s: missing --scope\n", cmd)
		} else {
			fmt.Fprintf(e.stderr, "pingyi %s: unexpected argument %q\n", cmd, pos[0])
		}
		fs.Usage()
		return ExitUsage
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	rows, violations, err := stars.New(s).Finalize(e.ctx, *year, *scope, store.CLI)
	if errors.Is(err, pingyi.ErrNotFound) {
		fmt.Fprintf(e.stderr, "pingyi %s: unknown scope: org %q does not exist\n", cmd, *scope)
		return ExitRefused
	}
	if err != nil {
		return fail(e, err)
	}
	if len(violations) > 0 {
		for _, v := range violations {
			fmt.Fprintln(e.stderr, v.String())
		}
		fmt.Fprintf(e.stderr, "refused: %d branch quota(s) broken; nothing was finalized\n", len(violations))
		return ExitRefused
	}
	bw := bufio.NewWriter(e.stdout)
	cw := tabular.NewCSVWriter(bw)
	cw.Write(StarFinalHeader)
	for _, r := range rows {
		cw.Write([]string{r.MemberCode, strconv.Itoa(r.Stars), strconv.Itoa(r.Cap), string(r.Level), r.HelperCode})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fail(e, err)
	}
	if err := bw.Flush(); err != nil {
		return fail(e, err)
	}
	return ExitOK
}
