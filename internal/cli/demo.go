package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/pingyi/pingyi/internal/bench"
	"github.com/pingyi/pingyi/internal/demo"
)

func init() {
	register(command{name: "demo", args: "--scale district|city|province [--ballots] [--seed N]",
		short: "fill an empty database with generated scale data (for benchmarks)", run: runDemoScale})
}

func runDemoScale(e *env, args []string) int {
	fs := newFlags(e, "demo", "--scale district|city|province [--ballots] [--seed N]")
	scale := fs.String("scale", "", "district (≈ 40,000 members), city (≈ 600,000) or province (≈ 4,000,000) (required)")
	ballots := fs.Bool("ballots", false, "also a closed year-end campaign over the whole tree with ≈ 10 ballots per target")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same tree and ballots")
	year := fs.Int("year", 0, "year of the campaign made with --ballots (default: last year)")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	sc, ok := demo.ScaleByName(*scale)
	if !ok || len(pos) > 0 {
		if !ok {
			fmt.Fprintf(e.stderr, "pingyi demo: --scale must be district, city or province (got %q)\n", *scale)
		} else {
			fmt.Fprintf(e.stderr, "pingyi demo: unexpected argument %q\n", pos[0])
		}
		fs.Usage()
		return ExitUsage
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	t0 := time.Now()
	fmt.Fprintf(e.stderr, "generating %s scale (seed %d) into %s…\n", sc.Name, *seed, s.Dialect)
	stats, err := bench.Fill(e.ctx, s, bench.FillOptions{Scale: sc, Seed: *seed, Ballots: *ballots, Year: *year, Log: e.stderr})
	if errors.Is(err, bench.ErrNotEmpty) {
		fmt.Fprintf(e.stderr, "pingyi demo: %v\n", err)
		return ExitRefused
	}
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "%s: %d orgs, %d members", sc.Name, stats.Orgs, stats.Members)
	if stats.Campaign != "" {
		fmt.Fprintf(e.stdout, "; campaign %s: %d targets, %d ballots, %d ratings", stats.Campaign, stats.Targets, stats.Ballots, stats.Ratings)
	}
	fmt.Fprintf(e.stdout, " (%s)\n", time.Since(t0).Round(time.Millisecond))
	return ExitOK
}
