package cli

import (
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/bench"
)

func init() {
	register(command{name: "bench", args: "[--only name,…] [--json FILE]",
		short: "measure intake, results, pages and imports on a database (docs/PERFORMANCE.md)", run: runBench})
}

func runBench(e *env, args []string) int {
	fs := newFlags(e, "bench", "[--only name,…] [--json FILE]")
	only := fs.String("only", "", "comma-separated benchmarks (default all): "+strings.Join(bench.Names, ", "))
	jsonPath := fs.String("json", "", "also write the report as JSON to FILE (- for standard output)")
	ballots := fs.Int("ballots", 30000, "ballots posted by each intake run from 16 clients up (intake-c1 posts at most 2,000)")
	duration := fs.Duration("duration", 5*time.Second, "how long each page benchmark runs")
	clients := fs.Int("clients", 64, "concurrent clients of the page benchmarks")
	campaign := fs.String("campaign", "", "campaign of results-read, results-recount and results-page (default: the formal one with most targets)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to FILE (go tool pprof)")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if len(pos) > 0 {
		fs.Usage()
		return ExitUsage
	}
	o := bench.Options{IntakeBallots: *ballots, PageDuration: *duration, PageClients: *clients, Campaign: *campaign, Log: e.stderr}
	for _, n := range strings.Split(*only, ",") {
		if n = strings.TrimSpace(n); n != "" {
			o.Only = append(o.Only, n)
		}
	}
	for _, n := range o.Only {
		if !strings.Contains(","+strings.Join(bench.Names, ",")+",", ","+n+",") {
			fmt.Fprintf(e.stderr, "pingyi bench: unknown benchmark %q (known: %s)\n", n, strings.Join(bench.Names, ", "))
			return ExitUsage
		}
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	if *cpuProfile != "" {
		f, perr := os.Create(*cpuProfile)
		if perr != nil {
			return fail(e, perr)
		}
		if perr := pprof.StartCPUProfile(f); perr != nil {
			f.Close()
			return fail(e, perr)
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	r, err := bench.Run(e.ctx, s, o)
	if r != nil {
		fmt.Fprintln(e.stdout)
		r.WriteTable(e.stdout)
		if *jsonPath != "" {
			w := e.stdout
			if *jsonPath != "-" {
				f, ferr := os.Create(*jsonPath)
				if ferr != nil {
					return fail(e, ferr)
				}
				defer f.Close()
				w = f
			}
			if jerr := r.WriteJSON(w); jerr != nil {
				return fail(e, jerr)
			}
		}
	}
	if err != nil {
		return fail(e, err)
	}
	return ExitOK
}
