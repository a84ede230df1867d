package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
)

// Config is one run of trials.
type Config struct {
	Command []string // the pingyi binary and arguments before --db (e.g. {"/tmp/pingyi"})
	Env     []string // extra environment of the server
	DSN     string   // the database (fresh: the tool seeds it)
	Trials  int
	Clients int           // concurrent clients (64: a peak)
	Codes   int           // codes issued per trial (more than the clients can post before the kill)
	MinKill time.Duration // the kill comes at a random moment between MinKill
	MaxKill time.Duration // and MaxKill after the clients start
	// FromFirstAck times the kill from the first 201 instead of the
	// clients' start (after a restart the first commit may take a second on
	// a loaded machine: a short trial then acknowledges nothing).
	FromFirstAck bool
	Seed         uint64 // of the random kill moments and ratings (0: random)
	// Signal stops the server: SIGKILL (the default, a crash) or SIGTERM
	// (a drain: the server must then also answer every ballot it stores,
	// refuse the others with 503 and Retry-After, and exit 0).
	Signal syscall.Signal
	Log    io.Writer // a line per trial (nil: none)
}

// Trial is what one trial measured.
type Trial struct {
	N          int      `json:"n"`
	KillAfter  float64  `json:"kill_after_s"` // seconds after the clients started
	Sent       int      `json:"sent"`         // ballots posted
	Acked      int      `json:"acknowledged"` // answered 201
	Cut        int      `json:"cut"`          // no answer (the kill)
	Refused    int      `json:"refused"`      // answered otherwise (see Statuses)
	Statuses   string   `json:"statuses,omitempty"`
	Spent      int64    `json:"codes_spent"`
	Stored     int64    `json:"stored"` // ballots in the database after the crash
	Receipts   int64    `json:"receipts"`
	Lost       int      `json:"lost"`       // acknowledged and not stored
	Restart    float64  `json:"restart_s"`  // from the restart to the first healthy answer
	Seconds    float64  `json:"seconds"`    // the whole trial: intake, kill, check, restart
	Violations []string `json:"violations"` // broken invariants (must be none)
	MidIntake  bool     `json:"mid_intake"` // requests were in flight at the kill
	ExitCode   int      `json:"exit_code"`  // of the stopped server (-1: killed)
	Settle     float64  `json:"settle_s"`   // PostgreSQL: until the killed server's backends were gone
	Stop       float64  `json:"stop_s"`     // from the signal to the exit
}

// Report is a run's trials and totals.
type Report struct {
	Database   string   `json:"database"`
	Signal     string   `json:"signal"`
	Durability string   `json:"durability"`
	Clients    int      `json:"clients"`
	Trials     []Trial  `json:"trials"`
	Acked      int      `json:"acknowledged"`
	Stored     int64    `json:"stored"`
	Lost       int      `json:"lost"`
	Cut        int      `json:"cut"`
	Violations []string `json:"violations"` // of every trial, and of the final checks
	ExitCode   int      `json:"final_exit_code"`
	Seconds    float64  `json:"seconds"`
}

// OK reports whether no invariant was broken.
func (r *Report) OK() bool { return len(r.Violations) == 0 && r.ExitCode == 0 }

// unitCount and membersPerUnit shape the seeded tree: enough units that
// PostgreSQL's four intake writers all get ballots.
const (
	unitCount      = 8
	membersPerUnit = 10
)

// Run seeds cfg.DSN, starts the server and runs the trials.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Clients <= 0 {
		cfg.Clients = 64
	}
	if cfg.Trials <= 0 {
		cfg.Trials = 1
	}
	if cfg.Codes <= 0 {
		cfg.Codes = 6000
	}
	if cfg.MaxKill <= cfg.MinKill {
		cfg.MaxKill = cfg.MinKill + time.Second
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	rng := rand.New(rand.NewPCG(seed, 15))
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, format+"\n", args...)
		}
	}
	t0 := time.Now()
	if cfg.Signal == 0 {
		cfg.Signal = syscall.SIGKILL
	}
	rep := &Report{Clients: cfg.Clients, Signal: "SIGKILL"}
	if cfg.Signal == syscall.SIGTERM {
		rep.Signal = "SIGTERM"
	}
	if strings.HasPrefix(cfg.DSN, "postgres") {
		rep.Database = "postgres"
	} else {
		rep.Database = "sqlite"
	}

	s, err := store.Open(ctx, cfg.DSN)
	if err != nil {
		return nil, err
	}
	if rep.Durability, err = durability(ctx, s); err != nil {
		s.Close()
		return nil, err
	}
	if err := seedTree(ctx, s); err != nil {
		s.Close()
		return nil, fmt.Errorf("seed: %w", err)
	}
	next, err := newCampaign(ctx, s, 1, cfg.Codes)
	s.Close()
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	// The server's connections carry a name of their own, so that after a
	// kill the check can wait for PostgreSQL to finish their work: a
	// backend whose client died still commits a COMMIT it was sent.
	app, scfg := "", cfg
	if rep.Database == "postgres" {
		app = fmt.Sprintf("crashtrial-%d-%x", os.Getpid(), rng.Uint32())
		if scfg.DSN, err = withParam(cfg.DSN, "application_name", app); err != nil {
			return nil, err
		}
	}
	srv, err := startServer(ctx, scfg)
	if err != nil {
		return nil, err
	}
	defer srv.kill()
	var campaigns []int64
	for i := 1; i <= cfg.Trials; i++ {
		camp := next
		campaigns = append(campaigns, camp.id)
		tt := time.Now()
		killAfter := cfg.MinKill + time.Duration(rng.Int64N(int64(cfg.MaxKill-cfg.MinKill)))
		o, inFlight := drive(ctx, srv, camp, cfg.Clients, killAfter, cfg.FromFirstAck, rng.Uint64(), cfg.Signal)
		tr := Trial{N: i, KillAfter: killAfter.Seconds(), Sent: len(o.Sent), Acked: len(o.Acked), Cut: o.Cut, MidIntake: inFlight > 0, ExitCode: o.exitCode, Stop: o.stop.Seconds()}
		tr.Refused, tr.Statuses = o.refused()
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}

		s, err := store.Open(ctx, cfg.DSN)
		if err != nil {
			return rep, fmt.Errorf("trial %d: opening the database after the kill: %w", i, err)
		}
		if app != "" {
			if tr.Settle, err = settle(ctx, s, app); err != nil {
				s.Close()
				return rep, fmt.Errorf("trial %d: %w", i, err)
			}
		}
		c, bad, err := check(ctx, s, &o.Outcome)
		if err == nil && i < cfg.Trials {
			next, err = newCampaign(ctx, s, i+1, cfg.Codes)
		}
		s.Close()
		if err != nil {
			return rep, fmt.Errorf("trial %d: %w", i, err)
		}
		tr.Spent, tr.Stored, tr.Receipts, tr.Lost = c.Spent, c.Ballots, c.Receipts, c.Lost
		tr.Violations = bad
		if cfg.Signal == syscall.SIGTERM {
			tr.Violations = append(tr.Violations, drainViolations(o, c, srv)...)
		}

		tr0 := time.Now()
		if srv, err = startServer(ctx, scfg); err != nil {
			return rep, fmt.Errorf("trial %d: restart: %w", i, err)
		}
		tr.Restart = time.Since(tr0).Seconds()
		tr.Violations = append(tr.Violations, checkServed(srv, o)...)
		tr.Seconds = time.Since(tt).Seconds()

		rep.Trials = append(rep.Trials, tr)
		rep.Acked += tr.Acked
		rep.Stored += tr.Stored
		rep.Lost += tr.Lost
		rep.Cut += tr.Cut
		for _, v := range tr.Violations {
			rep.Violations = append(rep.Violations, fmt.Sprintf("trial %d: %s", i, v))
		}
		logf("trial %3d: %s at %.2fs, sent %d, acknowledged %d, cut %d, refused %d%s; settled %.2fs; stored %d, spent %d, receipts %d, lost %d; restart %.2fs, %.1fs%s",
			i, rep.Signal, tr.KillAfter, tr.Sent, tr.Acked, tr.Cut, tr.Refused, tr.Statuses, tr.Settle, tr.Stored, tr.Spent, tr.Receipts, tr.Lost, tr.Restart, tr.Seconds, violationText(tr.Violations))
	}

	// The last server is stopped as an operator would: SIGTERM, exit 0.
	rep.ExitCode = srv.stop()
	if rep.ExitCode != 0 {
		rep.Violations = append(rep.Violations, fmt.Sprintf("the server exited %d after SIGTERM; its log ends:\n%s", rep.ExitCode, srv.tail()))
	}
	s, err = store.Open(ctx, cfg.DSN)
	if err != nil {
		return rep, err
	}
	defer s.Close()
	bad, err := checkTallies(ctx, s, campaigns)
	if err != nil {
		return rep, err
	}
	rep.Violations = append(rep.Violations, bad...)
	rep.Seconds = time.Since(t0).Seconds()
	return rep, nil
}

// withParam adds a query parameter to a postgres:// DSN.
func withParam(dsn, k, v string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set(k, v)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// settle waits until PostgreSQL has no backend left of the killed server
// (named app) and returns how long that took.
func settle(ctx context.Context, s *store.Store, app string) (float64, error) {
	t0 := time.Now()
	for {
		var n int
		if err := s.R().QueryRow(ctx, `SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = ?`, app).Scan(&n); err != nil {
			return 0, err
		}
		if n == 0 {
			return time.Since(t0).Seconds(), nil
		}
		if time.Since(t0) > 30*time.Second {
			return 0, fmt.Errorf("%d backends of the killed server still there after 30 s", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func violationText(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return "; BROKEN: " + strings.Join(v, "; ")
}

// seedTree imports a committee with its branches, each with a secretary
// and members.
func seedTree(ctx context.Context, s *store.Store) error {
	orgs := []store.OrgRow{{Line: 2, Code: "CT", Name: "崩溃试验镇党委", Type: "committee", Domain: "rural"}}
	var members []store.MemberRow
	for u := 1; u <= unitCount; u++ {
		code := "CTB" + strconv.Itoa(u)
		orgs = append(orgs, store.OrgRow{Line: len(orgs) + 2, Code: code, Name: "试验村党支部" + strconv.Itoa(u), Type: "branch", Domain: "rural", ParentCode: "CT"})
		for m := 0; m <= membersPerUnit; m++ {
			r := store.MemberRow{Line: len(members) + 2, Code: fmt.Sprintf("%sM%d", code, m), Name: fmt.Sprintf("党员%d-%d", u, m), OrgCode: code, Category: "farming"}
			if m == 0 {
				r.Category, r.IsSecretary = "cadre", "true"
			}
			members = append(members, r)
		}
	}
	if _, err := s.ImportOrgs(ctx, orgs, store.CLI); err != nil {
		return err
	}
	_, err := s.ImportMembers(ctx, members, store.CLI)
	return err
}

// trialCampaign is a trial's campaign and its codes, each with its unit.
type trialCampaign struct {
	id    int64
	codes []string
	units []int // index 1…unitCount of each code's unit
}

// newCampaign opens trial n's campaign and issues its codes over the units.
func newCampaign(ctx context.Context, s *store.Store, n, codes int) (*trialCampaign, error) {
	c := &pingyi.Campaign{Code: "CRASH" + strconv.Itoa(n), Name: "崩溃试验" + strconv.Itoa(n), ScopeCode: "CT", Kind: pingyi.KindMass, Scale: 4}
	ap := appraisal.New(s)
	if err := ap.CreateCampaign(ctx, c, store.CLI); err != nil {
		return nil, err
	}
	tc := &trialCampaign{id: c.ID}
	cats := []pingyi.EvaluatorCategory{pingyi.EvalMassRep, pingyi.EvalServiceObject, pingyi.EvalPartyMember}
	for u := 1; u <= unitCount; u++ {
		per := codes / unitCount
		if u == unitCount {
			per = codes - per*(unitCount-1)
		}
		for ci, cat := range cats {
			k := per / len(cats)
			if ci == len(cats)-1 {
				k = per - k*(len(cats)-1)
			}
			if k == 0 {
				continue
			}
			ks, err := ap.IssueCodes(ctx, c, "CTB"+strconv.Itoa(u), cat, k, store.CLI)
			if err != nil {
				return nil, err
			}
			for _, k := range ks {
				tc.codes = append(tc.codes, k)
				tc.units = append(tc.units, u)
			}
		}
	}
	return tc, nil
}

// server is a running `pingyi serve`.
type server struct {
	cmd    *exec.Cmd
	url    string
	exited chan struct{}
	mu     sync.Mutex
	log    []string // the last lines of its stderr
}

var listening = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startServer starts `pingyi serve` on a free loopback port and waits
// until /healthz answers 200.
func startServer(ctx context.Context, cfg Config) (*server, error) {
	args := append(append([]string(nil), cfg.Command[1:]...), "--db", cfg.DSN, "serve", "--addr", "127.0.0.1:0", "--public-burst", "0") // 64 clients from one address: no per-client limit
	cmd := exec.Command(cfg.Command[0], args...)
	cmd.Env = append(os.Environ(), cfg.Env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	srv := &server{cmd: cmd, exited: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if m := listening.FindStringSubmatch(line); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
			srv.mu.Lock()
			srv.log = append(srv.log, line)
			if len(srv.log) > 40 {
				srv.log = srv.log[1:]
			}
			srv.mu.Unlock()
		}
		cmd.Wait()
		close(srv.exited)
	}()
	deadline := time.After(60 * time.Second)
	select {
	case a := <-addr:
		srv.url = "http://" + a
	case <-srv.exited:
		return nil, fmt.Errorf("server exited before listening:\n%s", srv.tail())
	case <-deadline:
		srv.kill()
		return nil, fmt.Errorf("server not listening after 60 s:\n%s", srv.tail())
	case <-ctx.Done():
		srv.kill()
		return nil, ctx.Err()
	}
	for {
		resp, err := http.Get(srv.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return srv, nil
			}
		}
		select {
		case <-srv.exited:
			return nil, fmt.Errorf("server exited before it was healthy:\n%s", srv.tail())
		case <-deadline:
			srv.kill()
			return nil, fmt.Errorf("server not healthy after 60 s:\n%s", srv.tail())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (s *server) tail() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.log, "\n")
}

// kill sends SIGKILL and waits for the process to be gone.
func (s *server) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exited
}

// stop sends SIGTERM and returns the exit status (-1: killed after 90 s).
func (s *server) stop() int {
	s.cmd.Process.Signal(syscall.SIGTERM)
	return s.wait(90 * time.Second)
}

// wait waits for the process to exit and returns its status, killing it
// after timeout (-1).
func (s *server) wait(timeout time.Duration) int {
	select {
	case <-s.exited:
	case <-time.After(timeout):
		s.kill()
		return -1
	}
	return s.cmd.ProcessState.ExitCode()
}

// driven is an Outcome with the other answers counted by status.
type driven struct {
	Outcome
	statuses map[int]int
	noRetry  int // 503 answers without Retry-After
	exitCode int
	stop     time.Duration
}

// drainViolations are what a SIGTERM must also guarantee: every ballot
// stored was answered 201 (the drain answers the requests in progress),
// every other answer is 503 with Retry-After, and the exit status is 0.
func drainViolations(o *driven, c Counts, srv *server) []string {
	var bad []string
	if unanswered := c.Spent - int64(len(o.Acked)); unanswered != 0 {
		bad = append(bad, fmt.Sprintf("%d ballots stored without their 201 (the drain must answer every request it serves)", unanswered))
	}
	for st, n := range o.statuses {
		if st != http.StatusServiceUnavailable {
			bad = append(bad, fmt.Sprintf("%d answers %d during the drain (want 201 or 503)", n, st))
		}
	}
	if o.noRetry > 0 {
		bad = append(bad, fmt.Sprintf("%d answers 503 without Retry-After", o.noRetry))
	}
	if o.exitCode != 0 {
		bad = append(bad, fmt.Sprintf("exit status %d after SIGTERM; the log ends:\n%s", o.exitCode, srv.tail()))
	}
	return bad
}

func (d *driven) refused() (int, string) {
	n := 0
	var parts []string
	for st, k := range d.statuses {
		n += k
		parts = append(parts, fmt.Sprintf("%d×%d", k, st))
	}
	if n == 0 {
		return 0, ""
	}
	return n, " (" + strings.Join(parts, ", ") + ")"
}

var levels = []string{"satisfied", "satisfied", "satisfied", "fairly_satisfied", "basically_satisfied", "dissatisfied", "abstain"}

// ballot is a full ballot of code's unit u: its org, its secretary and
// every member.
func ballot(code string, u int, rng *rand.Rand) []byte {
	unit := "CTB" + strconv.Itoa(u)
	type rating struct {
		TargetType string `json:"target_type"`
		TargetCode string `json:"target_code"`
		Rating     string `json:"rating"`
	}
	rs := []rating{{"org", unit, levels[rng.IntN(len(levels))]}, {"secretary", unit, levels[rng.IntN(len(levels))]}}
	for m := 0; m <= membersPerUnit; m++ {
		rs = append(rs, rating{"member", fmt.Sprintf("%sM%d", unit, m), levels[rng.IntN(len(levels))]})
	}
	b, _ := json.Marshal(map[string]any{"code": code, "ratings": rs})
	return b
}

// drive posts the campaign's ballots from n clients and kills the server
// after killAfter; it returns what the clients saw and how many requests
// were in flight at the kill.
func drive(ctx context.Context, srv *server, c *trialCampaign, n int, killAfter time.Duration, fromFirst bool, seed uint64, sig syscall.Signal) (*driven, int64) {
	firstAck := make(chan struct{})
	rng := rand.New(rand.NewPCG(seed, 16))
	bodies := make([][]byte, len(c.codes))
	for i, code := range c.codes {
		bodies[i] = ballot(code, c.units[i], rng)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	d := &driven{Outcome: Outcome{CampaignID: c.id, Sent: map[string]bool{}, Acked: map[string]string{}}, statuses: map[int]int{}}
	var mu sync.Mutex
	var nextCode, inFlight atomic.Int64
	var killed atomic.Bool
	var wg sync.WaitGroup
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(nextCode.Add(1) - 1)
				if i >= len(c.codes) {
					return
				}
				code := c.codes[i]
				mu.Lock()
				d.Sent[code] = true
				mu.Unlock()
				inFlight.Add(1)
				st, receipt, retry, err := post(client, srv.url, bodies[i])
				inFlight.Add(-1)
				mu.Lock()
				switch {
				case err != nil:
					d.Cut++
				case st == http.StatusCreated:
					d.Acked[code] = receipt
					if len(d.Acked) == 1 {
						close(firstAck)
					}
				default:
					d.statuses[st]++
					if st == http.StatusServiceUnavailable && retry == "" {
						d.noRetry++
					}
				}
				mu.Unlock()
				if err != nil && killed.Load() {
					return // the server is gone
				}
			}
		}()
	}
	var atKill int64
	if fromFirst {
		select {
		case <-firstAck:
		case <-time.After(30 * time.Second):
		case <-ctx.Done():
		}
	}
	select {
	case <-time.After(killAfter):
	case <-ctx.Done():
	}
	killed.Store(true)
	atKill = inFlight.Load()
	t0 := time.Now()
	if sig == syscall.SIGKILL {
		srv.kill()
		d.exitCode = -1
	} else {
		srv.cmd.Process.Signal(sig)
		d.exitCode = srv.wait(90 * time.Second)
	}
	d.stop = time.Since(t0)
	wg.Wait()
	return d, atKill
}

// post sends one ballot; a 201 counts only with its receipt read whole.
// It returns the status, the receipt and the Retry-After header.
func post(c *http.Client, url string, body []byte) (int, string, string, error) {
	resp, err := c.Post(url+"/api/v1/ballots", "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, "", "", err
	}
	if resp.StatusCode != http.StatusCreated {
		return resp.StatusCode, "", resp.Header.Get("Retry-After"), nil
	}
	var out struct {
		Receipt string `json:"receipt"`
	}
	if err := json.Unmarshal(b, &out); err != nil || out.Receipt == "" {
		return 0, "", "", errors.New("201 without a receipt")
	}
	return resp.StatusCode, out.Receipt, "", nil
}

// checkServed asks the restarted server about some acknowledged ballots:
// their receipts are counted and their codes used.
func checkServed(srv *server, o *driven) []string {
	var bad []string
	n, badReceipts, badCodes := 0, 0, 0
	var example string
	for code, r := range o.Acked {
		if n == 20 {
			break
		}
		n++
		if st := get(srv.url + "/api/v1/receipts/" + r); st != http.StatusOK {
			badReceipts++
			example = fmt.Sprintf("receipt %s answers %d", r, st)
		}
		if st := get(srv.url + "/api/v1/ballots/" + code); st != http.StatusConflict {
			badCodes++
			example = fmt.Sprintf("code %s answers %d, not 409 used", code, st)
		}
	}
	if badReceipts+badCodes > 0 {
		bad = append(bad, fmt.Sprintf("after the restart, of %d acknowledged ballots asked about, %d receipts not counted and %d codes not used (e.g. %s)",
			n, badReceipts, badCodes, example))
	}
	return bad
}

func get(url string) int {
	resp, err := http.Get(url)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}
