package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/pingyi/pingyi/internal/store"
)

// Names lists the benchmarks in the order they run.
var Names = []string{
	"intake-c1", "intake-c16", "intake-c64", "intake-c256",
	"results-read", "results-recount",
	"tree-page", "results-page",
	"import-members-600k",
}

// Options configure Run.
type Options struct {
	Only          []string      // benchmark names (nil: all)
	IntakeBallots int           // ballots per intake run at 16 clients or more (default 30,000)
	PageDuration  time.Duration // how long each page benchmark runs (default 5 s)
	PageClients   int           // concurrent clients of the page benchmarks (default 64)
	Campaign      string        // campaign of results-* and results-page (default the one with most targets)
	Log           io.Writer     // progress (nil: none)
}

func (o *Options) defaults() {
	if o.IntakeBallots <= 0 {
		o.IntakeBallots = 30000
	}
	if o.PageDuration <= 0 {
		o.PageDuration = 5 * time.Second
	}
	if o.PageClients <= 0 {
		o.PageClients = 64
	}
}

// Report is what Run measured.
type Report struct {
	Started    string   `json:"started"`
	Go         string   `json:"go"`
	OS         string   `json:"os"`
	CPUs       int      `json:"cpus"`
	CPUModel   string   `json:"cpu_model,omitempty"`
	Database   string   `json:"database"`
	DBVersion  string   `json:"db_version"`
	Durability string   `json:"durability"`
	Data       Data     `json:"data"`
	Results    []Result `json:"results"`
}

// Data is the size of the database benchmarked.
type Data struct {
	Orgs      int64 `json:"orgs"`
	Members   int64 `json:"members"`
	Campaigns int64 `json:"campaigns"`
	Targets   int64 `json:"targets"`
	Ballots   int64 `json:"ballots"`
	Ratings   int64 `json:"ratings"`
}

// Result is one benchmark's measurement.
type Result struct {
	Name    string  `json:"name"`
	Ops     int64   `json:"ops"`               // ballots, requests, rows… (see Unit)
	Seconds float64 `json:"seconds"`           // wall time of the measured part
	Rate    float64 `json:"rate,omitempty"`    // Ops per second
	Unit    string  `json:"unit"`              // what Rate counts: "ballots/s", "req/s", "rows/s"
	P50Ms   float64 `json:"p50_ms,omitempty"`  // latency percentiles (or per-run times)
	P99Ms   float64 `json:"p99_ms,omitempty"`  //
	MaxMs   float64 `json:"max_ms,omitempty"`  //
	Errors  int64   `json:"errors"`            // failed operations
	HeapMB  float64 `json:"heap_peak_mb"`      // peak Go heap (live objects), sampled
	GoMB    float64 `json:"go_peak_mb"`        // peak memory mapped by the Go runtime, sampled
	RSSMB   float64 `json:"rss_peak_mb"`       // peak resident set of the process (VmHWM, reset before each benchmark)
	Note    string  `json:"note,omitempty"`    // what was measured, settings, anomalies
	Skipped string  `json:"skipped,omitempty"` // why it did not run
}

// Run runs the selected benchmarks against s (which it changes: intake
// benchmarks add a test-mode campaign and remove it afterwards).
func Run(ctx context.Context, s *store.Store, o Options) (*Report, error) {
	o.defaults()
	for _, n := range o.Only {
		if !slices.Contains(Names, n) {
			return nil, fmt.Errorf("unknown benchmark %q (known: %s)", n, strings.Join(Names, ", "))
		}
	}
	want := func(n string) bool { return len(o.Only) == 0 || slices.Contains(o.Only, n) }
	r := &Report{Started: time.Now().Format(time.RFC3339), Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH,
		CPUs: runtime.NumCPU(), CPUModel: cpuModel(), Database: string(s.Dialect)}
	var err error
	if r.DBVersion, r.Durability, err = dbSettings(ctx, s); err != nil {
		return nil, err
	}
	if r.Data, err = dataSize(ctx, s); err != nil {
		return nil, err
	}
	logf := func(format string, args ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, format+"\n", args...)
		}
	}
	logf("%s %s, %s; %d orgs, %d members, %d targets, %d ballots, %d ratings", r.Database, r.DBVersion, r.Durability,
		r.Data.Orgs, r.Data.Members, r.Data.Targets, r.Data.Ballots, r.Data.Ratings)
	add := func(res Result) {
		r.Results = append(r.Results, res)
		if res.Skipped != "" {
			logf("%-20s skipped: %s", res.Name, res.Skipped)
			return
		}
		logf("%-20s %s", res.Name, res.summary())
	}

	var intakes []int
	for _, c := range []int{1, 16, 64, 256} {
		if want("intake-c" + strconv.Itoa(c)) {
			intakes = append(intakes, c)
		}
	}
	if len(intakes) > 0 {
		res, err := runIntake(ctx, s, r.Durability, intakes, o, logf)
		if err != nil {
			return r, fmt.Errorf("intake: %w", err)
		}
		for _, x := range res {
			add(x)
		}
	}
	if want("results-read") || want("results-recount") || want("results-page") {
		c, err := pickCampaign(ctx, s, o.Campaign)
		if err != nil {
			return r, err
		}
		if want("results-read") {
			add(resultsRead(ctx, s, c))
		}
		if want("results-recount") {
			add(resultsRecount(ctx, s, c))
		}
		if want("results-page") {
			add(page(ctx, s, "results-page", c, o, logf))
		}
	}
	if want("tree-page") {
		add(page(ctx, s, "tree-page", nil, o, logf))
	}
	if want("import-members-600k") {
		add(importMembers(ctx, s, o, logf))
	}
	return r, nil
}

func (r Result) summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d ops in %.2fs", r.Ops, r.Seconds)
	if r.Rate > 0 {
		fmt.Fprintf(&b, " = %.0f %s", r.Rate, r.Unit)
	}
	if r.P50Ms > 0 || r.P99Ms > 0 {
		fmt.Fprintf(&b, ", p50 %.1f ms, p99 %.1f ms", r.P50Ms, r.P99Ms)
	}
	if r.Errors > 0 {
		fmt.Fprintf(&b, ", %d errors", r.Errors)
	}
	fmt.Fprintf(&b, "; peak heap %.0f MB, RSS %.0f MB", r.HeapMB, r.RSSMB)
	if r.Note != "" {
		b.WriteString(" — " + r.Note)
	}
	return b.String()
}

// WriteTable prints the report as a table.
func (r *Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "Pingyi bench — %s %s (%s), %s, %d CPUs %s, %s\n", r.Database, r.DBVersion, r.Durability, r.Go, r.CPUs, r.CPUModel, r.Started)
	fmt.Fprintf(w, "data: %d orgs, %d members, %d campaigns, %d targets, %d ballots, %d ratings\n\n",
		r.Data.Orgs, r.Data.Members, r.Data.Campaigns, r.Data.Targets, r.Data.Ballots, r.Data.Ratings)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "benchmark\tops\tseconds\trate\tunit\tp50 ms\tp99 ms\terrors\theap MB\tRSS MB\t")
	for _, x := range r.Results {
		if x.Skipped != "" {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t\t-\t-\t-\t-\t-\t\n", x.Name)
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%s\t%s\t%s\t%s\t%d\t%.0f\t%.0f\t\n", x.Name, x.Ops, x.Seconds, num(x.Rate, 0), x.Unit,
			num(x.P50Ms, 1), num(x.P99Ms, 1), x.Errors, x.HeapMB, x.RSSMB)
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, x := range r.Results {
		switch {
		case x.Skipped != "":
			fmt.Fprintf(w, "%s: skipped: %s\n", x.Name, x.Skipped)
		case x.Note != "":
			fmt.Fprintf(w, "%s: %s\n", x.Name, x.Note)
		}
	}
}

func num(v float64, prec int) string {
	if v == 0 {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func dbSettings(ctx context.Context, s *store.Store) (version, durability string, err error) {
	if s.Dialect == store.SQLite {
		var mode string
		var sync int
		if err = s.R().QueryRow(ctx, `SELECT sqlite_version()`).Scan(&version); err != nil {
			return
		}
		conn, err2 := s.DB.Conn(ctx)
		if err2 != nil {
			return "", "", err2
		}
		defer conn.Close()
		if err = conn.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
			return
		}
		if err = conn.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil {
			return
		}
		names := map[int]string{0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
		durability = fmt.Sprintf("journal_mode=%s, synchronous=%s", strings.ToUpper(mode), names[sync])
		return
	}
	var sc, fsync, walSync, delay string
	if err = s.R().QueryRow(ctx, `SELECT current_setting('server_version'), current_setting('synchronous_commit'), current_setting('fsync'),
		current_setting('wal_sync_method'), current_setting('commit_delay')`).Scan(&version, &sc, &fsync, &walSync, &delay); err != nil {
		return
	}
	durability = fmt.Sprintf("synchronous_commit=%s, fsync=%s, wal_sync_method=%s, commit_delay=%s", sc, fsync, walSync, delay)
	return
}

func dataSize(ctx context.Context, s *store.Store) (Data, error) {
	var d Data
	for _, x := range []struct {
		q   string
		dst *int64
	}{
		{`SELECT COUNT(*) FROM orgs`, &d.Orgs}, {`SELECT COUNT(*) FROM members`, &d.Members},
		{`SELECT COUNT(*) FROM campaigns`, &d.Campaigns}, {`SELECT COUNT(*) FROM targets`, &d.Targets},
		{`SELECT COUNT(*) FROM ballots`, &d.Ballots}, {`SELECT COALESCE(SUM(satisfied + fairly_satisfied + basically_satisfied + dissatisfied + abstain), 0) FROM targets`, &d.Ratings},
	} {
		if err := s.R().QueryRow(ctx, x.q).Scan(x.dst); err != nil {
			return d, err
		}
	}
	return d, nil
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "model name") {
			if i := strings.Index(l, ":"); i >= 0 {
				return "(" + strings.TrimSpace(l[i+1:]) + ")"
			}
		}
	}
	return ""
}

// memWatch samples memory while a benchmark runs: the Go heap and what
// the Go runtime maps every few milliseconds, and the process's peak
// resident set (VmHWM, which it resets first where Linux allows).
type memWatch struct {
	stop        chan struct{}
	wg          sync.WaitGroup
	heap, total uint64
}

func watchMemory() *memWatch {
	runtime.GC()
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset VmHWM (Linux ≥ 4.0); ignored elsewhere
	m := &memWatch{stop: make(chan struct{})}
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/total:bytes"}}
	read := func() {
		metrics.Read(samples)
		if v := samples[0].Value; v.Kind() == metrics.KindUint64 {
			m.heap = max(m.heap, v.Uint64())
		}
		if v := samples[1].Value; v.Kind() == metrics.KindUint64 {
			m.total = max(m.total, v.Uint64())
		}
	}
	read()
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-m.stop:
				read()
				return
			case <-t.C:
				read()
			}
		}
	}()
	return m
}

// done stops sampling and stores the peaks in r.
func (m *memWatch) done(r *Result) {
	close(m.stop)
	m.wg.Wait()
	const mb = 1 << 20
	r.HeapMB, r.GoMB = float64(m.heap)/mb, float64(m.total)/mb
	r.RSSMB = float64(procStatus("VmHWM")) / 1024
}

// procStatus reads a kB field of /proc/self/status (0 if unavailable).
func procStatus(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, field+":") {
			f := strings.Fields(l[len(field)+1:])
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

// percentile returns the p-th percentile (0..100) of sorted durations in ms.
func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p / 100)
	return float64(sorted[i]) / float64(time.Millisecond)
}
