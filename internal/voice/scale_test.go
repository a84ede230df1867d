package voice_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/voice"
)

// TestStatsCityScale measures `opinions stats` over a city's year:
// PINGYI_BENCH_OPINIONS opinions (e.g. 500000) received at 2,000 branches
// of 40 towns, on both databases. Skipped unless the variable is set (it
// fills a large database). Target (issue 13): ≤ 2 s city-wide.
func TestStatsCityScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PINGYI_BENCH_OPINIONS"))
	if n <= 0 {
		t.Skip("set PINGYI_BENCH_OPINIONS=500000 to measure opinions stats at city scale")
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		rows := []store.OrgRow{{Line: 2, Code: "CITY", Name: "某市委", Type: "committee", Domain: "agency"}}
		var branches []string
		for i := 0; i < 40; i++ {
			town := fmt.Sprintf("T%02d", i)
			rows = append(rows, store.OrgRow{Line: len(rows) + 2, Code: town, Name: town + "镇党委", Type: "committee", Domain: "rural", ParentCode: "CITY"})
			for j := 0; j < 50; j++ {
				b := fmt.Sprintf("%s%02d", town, j)
				branches = append(branches, b)
				rows = append(rows, store.OrgRow{Line: len(rows) + 2, Code: b, Name: b + "村党支部", Type: "branch", Domain: "rural", ParentCode: town})
			}
		}
		if _, err := s.ImportOrgs(ctx, rows, store.CLI); err != nil {
			t.Fatal(err)
		}
		loc, _ := time.LoadLocation("Asia/Shanghai")
		v := &voice.Voice{S: s, Loc: loc}
		now := time.Date(2026, 12, 3, 12, 0, 0, 0, loc)
		start := time.Now()
		var chunk []voice.ImportRow
		flush := func() {
			if len(chunk) == 0 {
				return
			}
			if _, err := v.Import(ctx, chunk, store.CLI); err != nil {
				t.Fatal(err)
			}
			chunk = chunk[:0]
		}
		err := voice.Generate(voice.GenOptions{Orgs: branches, N: n, From: now.AddDate(-1, 0, 0), Now: now, Seed: 1, Prefix: "C",
			Cal: rules.NewCalendar(nil), Loc: loc}, func(r voice.ImportRow) error {
			if len(chunk) >= 100000 && r.Event == "receive" {
				flush()
			}
			chunk = append(chunk, r)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		flush()
		t.Logf("%s: %d opinions generated and imported in %s", s.Dialect, n, time.Since(start).Round(time.Second))
		if s.Dialect == store.Postgres {
			// What autovacuum does a little after a bulk load.
			if _, err := s.DB.ExecContext(ctx, `ANALYZE`); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			name string
			asOf time.Time
		}{{"as of now (folds)", now.Add(time.Hour)}, {"as of the last day (replays what changed since)", now.AddDate(0, 0, -1)}} {
			// Three runs: the first reads the database cold.
			var times []string
			var out []voice.StatsRow
			var total voice.StatsRow
			var alloc uint64
			for run := 0; run < 3; run++ {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				t0 := time.Now()
				var err error
				out, total, err = v.Stats(ctx, "CITY", "2025-12-01", "2026-12-31", tc.asOf)
				d := time.Since(t0)
				runtime.ReadMemStats(&after)
				if err != nil {
					t.Fatal(err)
				}
				times = append(times, d.Round(time.Millisecond).String())
				alloc = (after.TotalAlloc - before.TotalAlloc) >> 20
			}
			t.Logf("%s: opinions stats city-wide %s: %s (%d rows, %d received, response %s%%), %d MB allocated",
				s.Dialect, tc.name, strings.Join(times, ", "), len(out), total.Received, rules.FormatRate(total.ResponseRate()), alloc)
		}
	})
}

// TestReceiveThroughput measures filing on the public path with 64
// concurrent clients (PINGYI_BENCH_RECEIVE opinions, e.g. 5000), anonymous
// and not, on both databases. Target (issue 13): ≥ 2,000 opinions/s.
func TestReceiveThroughput(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PINGYI_BENCH_RECEIVE"))
	if n <= 0 {
		t.Skip("set PINGYI_BENCH_RECEIVE=5000 to measure the public form's intake")
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		v := newVoice(t, s)
		if os.Getenv("PINGYI_BENCH_NO_INTAKE") == "" {
			stop := v.StartIntake()
			defer stop()
		}
		start := time.Now()
		work := make(chan int)
		errs := make(chan error, 64)
		for w := 0; w < 64; w++ {
			go func() {
				var err error
				for i := range work {
					n := voice.NewOpinion{Channel: "web", Category: "help", Content: "楼道灯坏了", OrgCode: "V1"}
					if i%2 == 0 {
						n.Phone = "13800138000"
					}
					if _, e := v.Receive(ctx, n, time.Now(), store.Actor{Username: "public"}); e != nil && err == nil {
						err = e
					}
				}
				errs <- err
			}()
		}
		for i := 0; i < n; i++ {
			work <- i
		}
		close(work)
		for w := 0; w < 64; w++ {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		d := time.Since(start)
		t.Logf("%s: %d opinions filed by 64 clients in %s: %.0f/s", s.Dialect, n, d.Round(time.Millisecond), float64(n)/d.Seconds())
	})
}
