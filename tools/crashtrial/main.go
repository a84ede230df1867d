// Command crashtrial proves that Pingyi's ballot intake is durable: it
// runs trials of `pingyi serve` (the real binary) under peak intake — 64
// clients posting ballots through the HTTP API — each killed with SIGKILL
// at a random moment and restarted, and checks after each crash that
// every acknowledged ballot (201) is stored, that every spent code has its
// ballot and that no ballot is stored without its code spent
// (docs/RELIABILITY.md).
//
//	go run ./tools/crashtrial --trials 100                        # SQLite, a fresh file
//	go run ./tools/crashtrial --trials 100 --db postgres://…/db   # PostgreSQL, a fresh schema
//	go run ./tools/crashtrial --trials 20 --signal term           # SIGTERM: drains
//
// Exit status 0 when every invariant held, 1 when one broke, 2 for a
// usage error.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("crashtrial", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("db", "", "database: postgres://… (the trials run in a fresh schema of it, dropped afterwards) or sqlite:PATH of a file that does not exist yet (default: a fresh file in a temporary directory)")
	bin := fs.String("bin", "", "the pingyi binary (default: built from ./cmd/pingyi of this module)")
	trials := fs.Int("trials", 10, "number of trials")
	clients := fs.Int("clients", 64, "concurrent clients")
	codes := fs.Int("codes", 6000, "codes issued per trial (more than can be posted before the kill)")
	minKill := fs.Duration("min-kill", 100*time.Millisecond, "earliest kill after the clients start")
	maxKill := fs.Duration("max-kill", 2500*time.Millisecond, "latest kill after the clients start")
	fromFirst := fs.Bool("from-first-ack", false, "time the kill from the first acknowledged ballot instead of the clients' start")
	seed := fs.Uint64("seed", 0, "seed of the kill moments (0: random)")
	jsonOut := fs.String("json", "", "also write the report as JSON to this file")
	sigName := fs.String("signal", "kill", "kill: SIGKILL, a crash; term: SIGTERM, a drain (then also: every stored ballot answered, the rest 503, exit 0)")
	keep := fs.Bool("keep", false, "keep the database (the PostgreSQL schema or the SQLite file) afterwards")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	sig := map[string]syscall.Signal{"kill": syscall.SIGKILL, "term": syscall.SIGTERM}[*sigName]
	if fs.NArg() > 0 || sig == 0 || *trials < 1 || *clients < 1 || *codes < 1 || *maxKill <= *minKill {
		fs.Usage()
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	tmp, err := os.MkdirTemp("", "crashtrial-")
	if err != nil {
		fmt.Fprintln(stderr, "crashtrial:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	if *bin == "" {
		*bin = filepath.Join(tmp, "pingyi")
		fmt.Fprintln(stderr, "building ./cmd/pingyi …")
		if err := build(*bin); err != nil {
			fmt.Fprintln(stderr, "crashtrial: build:", err)
			return 1
		}
	}
	db, cleanup, err := freshDatabase(*dsn, tmp, *keep)
	if err != nil {
		fmt.Fprintln(stderr, "crashtrial:", err)
		return 1
	}
	defer cleanup()

	rep, err := Run(ctx, Config{Command: []string{*bin}, DSN: db, Trials: *trials, Clients: *clients, Codes: *codes,
		MinKill: *minKill, MaxKill: *maxKill, Seed: *seed, Signal: sig, FromFirstAck: *fromFirst, Log: stderr})
	if rep != nil {
		printReport(stdout, rep)
		if *jsonOut != "" {
			b, _ := json.MarshalIndent(rep, "", "  ")
			if werr := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); werr != nil {
				fmt.Fprintln(stderr, "crashtrial:", werr)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "crashtrial:", err)
		return 1
	}
	if !rep.OK() {
		return 1
	}
	return 0
}

// build compiles the module's cmd/pingyi into out.
func build(out string) error {
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return err
	}
	dir := filepath.Dir(strings.TrimSpace(string(gomod)))
	cmd := exec.Command("go", "build", "-o", out, "./cmd/pingyi")
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

// freshDatabase returns the DSN the trials use and what removes it.
func freshDatabase(dsn, tmp string, keep bool) (string, func(), error) {
	switch {
	case dsn == "":
		p := filepath.Join(tmp, "crash.db")
		if keep {
			p = filepath.Join(os.TempDir(), fmt.Sprintf("crashtrial-%d.db", time.Now().Unix()))
		}
		return "sqlite:" + p, func() {}, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		p := strings.TrimPrefix(dsn, "sqlite:")
		if _, err := os.Stat(p); err == nil {
			return "", nil, fmt.Errorf("%s exists: the trials need a database of their own", p)
		}
		return dsn, func() {
			if !keep {
				for _, s := range []string{"", "-wal", "-shm"} {
					os.Remove(p + s)
				}
			}
		}, nil
	case strings.HasPrefix(dsn, "postgres"):
		var b [6]byte
		rand.Read(b[:])
		schema := "crash_" + hex.EncodeToString(b[:])
		admin, err := sql.Open("pgx", dsn)
		if err != nil {
			return "", nil, err
		}
		if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
			admin.Close()
			return "", nil, err
		}
		u, err := url.Parse(dsn)
		if err != nil {
			admin.Close()
			return "", nil, err
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String(), func() {
			if !keep {
				admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			}
			admin.Close()
		}, nil
	}
	return "", nil, fmt.Errorf("--db %q: want sqlite:PATH or postgres://…", dsn)
}

// printReport writes the totals and the distribution of the trials.
func printReport(w io.Writer, r *Report) {
	var secs, restarts, kills, stops []float64
	mid := 0
	for _, t := range r.Trials {
		secs = append(secs, t.Seconds)
		restarts = append(restarts, t.Restart)
		kills = append(kills, t.KillAfter)
		stops = append(stops, t.Stop)
		if t.MidIntake {
			mid++
		}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "database\t%s (%s), stopped by %s\n", r.Database, r.Durability, r.Signal)
	fmt.Fprintf(tw, "trials\t%d (%d stopped with requests in flight), %d clients\n", len(r.Trials), mid, r.Clients)
	fmt.Fprintf(tw, "acknowledged\t%d\n", r.Acked)
	fmt.Fprintf(tw, "stored\t%d (acknowledged + %d of the %d requests left unanswered)\n", r.Stored, r.Stored-int64(r.Acked), r.Cut)
	fmt.Fprintf(tw, "lost\t%d\n", r.Lost)
	fmt.Fprintf(tw, "signal\t%s s after the clients started\n", spread(kills))
	fmt.Fprintf(tw, "stop\t%s s from the signal to the exit\n", spread(stops))
	fmt.Fprintf(tw, "restart\t%s s to healthy\n", spread(restarts))
	fmt.Fprintf(tw, "trial\t%s s\n", spread(secs))
	fmt.Fprintf(tw, "final SIGTERM\texit %d\n", r.ExitCode)
	fmt.Fprintf(tw, "total\t%.0f s\n", r.Seconds)
	tw.Flush()
	if len(r.Violations) == 0 {
		fmt.Fprintln(w, "every invariant held")
		return
	}
	fmt.Fprintf(w, "%d BROKEN INVARIANTS:\n", len(r.Violations))
	for _, v := range r.Violations {
		fmt.Fprintln(w, "  "+v)
	}
}

// spread is "min / median / max".
func spread(xs []float64) string {
	if len(xs) == 0 {
		return "-"
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return fmt.Sprintf("min %.2f / median %.2f / max %.2f", s[0], s[len(s)/2], s[len(s)-1])
}
