package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/appraisal/api"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
)

// RatingsPerBallot is what every intake ballot carries: the org, its
// secretary and ten members of one unit.
const RatingsPerBallot = 12

// intakeScopeMembers: the intake campaign covers the biggest subtree of
// at most this many members (a district of a city, a town of a province's
// district): one evening's year-end meetings.
const intakeScopeMembers = 150000

// runIntake measures ballot intake over HTTP at each concurrency: a
// test-mode campaign over one district, one-time codes spread over its
// units, and N clients posting 12-rating ballots to the real API handler
// on a loopback listener, each answered 201 only after its commit. The
// campaign is removed afterwards.
func runIntake(ctx context.Context, s *store.Store, durability string, conc []int, o Options, logf func(string, ...any)) ([]Result, error) {
	t0 := time.Now()
	c, err := intakeCampaign(ctx, s)
	if err != nil {
		return nil, err
	}
	if err := wipeCampaign(ctx, s, c); err != nil { // what an interrupted run left
		return nil, err
	}
	defer func() {
		if err := wipeCampaign(context.Background(), s, c); err != nil {
			logf("intake: wiping campaign %s: %v", c.Code, err)
		}
	}()
	scope, err := s.Org(ctx, c.ScopeCode)
	if err != nil {
		return nil, err
	}
	_, members, err := s.Counts(ctx, pingyi.Scope{Path: scope.Path})
	if err != nil {
		return nil, err
	}
	units, err := appraisal.New(s).Units(ctx, c.ID, pingyi.Scope{})
	if err != nil {
		return nil, err
	}
	type unitT struct {
		code    string
		org     string
		members []string
	}
	var us []unitT
	for _, u := range units {
		if u.Targets < RatingsPerBallot {
			continue
		}
		ts, err := appraisal.New(s).UnitTargets(ctx, c.ID, u.ID)
		if err != nil {
			return nil, err
		}
		var x unitT
		x.code = u.Code
		hasOrg, hasSec := false, false
		for _, t := range ts {
			switch t.Type {
			case pingyi.TargetOrg:
				hasOrg = true
			case pingyi.TargetSecretary:
				hasSec = true
			case pingyi.TargetMember:
				x.members = append(x.members, t.Code)
			}
		}
		if hasOrg && hasSec && len(x.members) >= RatingsPerBallot-2 {
			us = append(us, x)
		}
	}
	if len(us) == 0 {
		return nil, fmt.Errorf("no unit under %s has an org, a secretary and %d members", c.ScopeCode, RatingsPerBallot-2)
	}
	// How many ballots each run posts; a few hundred more warm up.
	counts := make([]int, len(conc))
	total := 0
	const warm = 300
	for i, n := range conc {
		counts[i] = o.IntakeBallots
		if n == 1 {
			counts[i] = min(o.IntakeBallots, 2000)
		}
		total += counts[i] + warm
	}
	// Codes: spread evenly over the units, mostly the masses' categories.
	per := (total + len(us) - 1) / len(us)
	cats := []pingyi.EvaluatorCategory{pingyi.EvalMassRep, pingyi.EvalServiceObject, pingyi.EvalNonPartyCadre, pingyi.EvalPartyMember}
	shares := []float64{0.5, 0.2, 0.2, 0.1}
	type codeT struct {
		code string
		unit int
	}
	var codes []codeT
	for ui, u := range us {
		left := per
		for ci, cat := range cats {
			n := int(float64(per) * shares[ci])
			if ci == len(cats)-1 {
				n = left
			}
			left -= n
			if n == 0 {
				continue
			}
			ks, err := appraisal.New(s).IssueCodes(ctx, c, u.code, cat, n, Actor)
			if err != nil {
				return nil, err
			}
			for _, k := range ks {
				codes = append(codes, codeT{k, ui})
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(codes), func(i, j int) { codes[i], codes[j] = codes[j], codes[i] })
	// Bodies, encoded before the clock starts.
	levels := []string{"satisfied", "satisfied", "satisfied", "satisfied", "satisfied", "satisfied", "basically_satisfied", "basically_satisfied", "dissatisfied", "abstain"}
	bodies := make([][]byte, len(codes))
	for i, k := range codes {
		u := us[k.unit]
		req := api.BallotRequest{Code: k.code, Ratings: make([]appraisal.RatingInput, 0, RatingsPerBallot)}
		pick := func(typ, code string) {
			req.Ratings = append(req.Ratings, appraisal.RatingInput{TargetType: typ, TargetCode: code, Rating: levels[rng.IntN(len(levels))]})
		}
		pick("org", u.code)
		pick("secretary", u.code)
		for _, j := range rng.Perm(len(u.members))[:RatingsPerBallot-2] {
			pick("member", u.members[j])
		}
		if rng.IntN(10) == 0 {
			req.Opinion = "希望支部多组织志愿服务活动，多听取群众意见。"
		}
		bodies[i], _ = json.Marshal(req)
	}
	logf("intake: campaign %s over %s (%d members, %d units with ≥ %d targets), %d codes ready in %s",
		c.Code, c.ScopeCode, members, len(us), RatingsPerBallot, len(codes), time.Since(t0).Round(time.Millisecond))

	in := appraisal.New(s).NewIntake()
	defer in.Close()
	a := &api.API{Store: appraisal.New(s), Intake: in}
	mux := http.NewServeMux()
	for _, r := range a.Routes() {
		mux.HandleFunc(r.Pattern, r.Handler)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/api/v1/ballots"

	var out []Result
	next := 0
	var accepted int64
	folded0 := appraisal.New(s).FoldedBallots()
	for i, n := range conc {
		warmBodies := bodies[next : next+warm]
		next += warm
		run := bodies[next : next+counts[i]]
		next += counts[i]
		postAll(ctx, url, n, warmBodies)
		res := Result{Name: "intake-c" + strconv.Itoa(n), Unit: "ballots/s"}
		mw := watchMemory()
		lat, errs, firstErr, el := postAll(ctx, url, n, run)
		mw.done(&res)
		slices.Sort(lat)
		res.Ops = int64(len(lat))
		res.Errors = errs
		res.Seconds = el.Seconds()
		res.Rate = float64(len(lat)) / el.Seconds()
		res.P50Ms, res.P99Ms = percentile(lat, 50), percentile(lat, 99)
		if len(lat) > 0 {
			res.MaxMs = float64(lat[len(lat)-1]) / float64(time.Millisecond)
		}
		res.Note = fmt.Sprintf("%d clients, %d ratings per ballot, 201 only after commit (%s)", n, RatingsPerBallot, durability)
		if firstErr != "" {
			res.Note += "; first error: " + firstErr
		}
		accepted += int64(len(lat))
		out = append(out, res)
	}
	// The fold: what the runs left untallied, added to the tallies now
	// (the server and the intake stopped first, its background fold with it).
	srv.Close()
	in.Close()
	var pending int64
	s.R().QueryRow(ctx, `SELECT COUNT(*) FROM ballots WHERE campaign_id = ? AND tallied = 0`, c.ID).Scan(&pending)
	bg := appraisal.New(s).FoldedBallots() - folded0
	fr := Result{Name: "intake-fold", Unit: "ballots/s", Ops: pending}
	mw := watchMemory()
	t1 := time.Now()
	if err := appraisal.New(s).FoldBallots(ctx, c.ID); err != nil {
		return out, err
	}
	mw.done(&fr)
	fr.Seconds = time.Since(t1).Seconds()
	if fr.Seconds > 0 {
		fr.Rate = float64(pending) / fr.Seconds
	}
	fr.Note = fmt.Sprintf("the %d ballots the runs left untallied added to the tallies (%d more were folded in the background during the runs)", pending, bg)
	out = append(out, fr)

	// Every 201 is a stored ballot, and every stored ballot a 201.
	var stored, used int64
	s.R().QueryRow(ctx, `SELECT COUNT(*) FROM ballots WHERE campaign_id = ?`, c.ID).Scan(&stored)
	s.R().QueryRow(ctx, `SELECT COUNT(*) FROM codes WHERE campaign_id = ? AND used = 1`, c.ID).Scan(&used)
	warmed := int64(warm * len(conc))
	if stored != used || stored < accepted || stored > accepted+warmed {
		return out, fmt.Errorf("intake check: %d ballots stored, %d codes used, %d accepted (+ up to %d warm-up)", stored, used, accepted, warmed)
	}
	return out, nil
}

// postAll posts bodies with n concurrent clients and returns the latency
// of each 201, the number of other answers and the elapsed time.
func postAll(ctx context.Context, url string, n int, bodies [][]byte) ([]time.Duration, int64, string, time.Duration) {
	tr := &http.Transport{MaxIdleConns: n, MaxIdleConnsPerHost: n, MaxConnsPerHost: n, DisableCompression: true, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 60 * time.Second}
	var next atomic.Int64
	var errs atomic.Int64
	var firstErr atomic.Value
	lats := make([][]time.Duration, n)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(bodies) || ctx.Err() != nil {
					return
				}
				t := time.Now()
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(bodies[i]))
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("%d %s", resp.StatusCode, bytes.TrimSpace(body)))
					continue
				}
				lats[w] = append(lats[w], time.Since(t))
			}
		}(w)
	}
	wg.Wait()
	el := time.Since(start)
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	fe, _ := firstErr.Load().(string)
	return all, errs.Load(), fe, el
}

// pickScope descends from the root to the biggest subtree with at most
// max members.
func pickScope(ctx context.Context, s *store.Store, max int) (*pingyi.Org, int, error) {
	all := pingyi.Scope{}
	roots, err := s.Children(ctx, all, 0)
	if err != nil {
		return nil, 0, err
	}
	if len(roots) == 0 {
		return nil, 0, fmt.Errorf("empty database: fill it first (pingyi demo --scale district)")
	}
	cur := roots[0]
	for {
		_, n, err := s.Counts(ctx, pingyi.Scope{Path: cur.Path})
		if err != nil {
			return nil, 0, err
		}
		if n <= max {
			return &cur, n, nil
		}
		kids, err := s.Children(ctx, all, cur.ID)
		if err != nil {
			return nil, 0, err
		}
		if len(kids) == 0 {
			return &cur, n, nil
		}
		paths := make([]string, len(kids))
		for i, k := range kids {
			paths[i] = k.Path
		}
		counts, err := s.SubtreeMemberCounts(ctx, paths)
		if err != nil {
			return nil, 0, err
		}
		best := kids[0]
		for _, k := range kids {
			if counts[k.Path] > counts[best.Path] {
				best = k
			}
		}
		cur = best
	}
}

// IntakeCampaign is the code of the campaign the intake benchmarks post
// ballots to: a test-mode campaign over the biggest subtree of at most
// intakeScopeMembers members, made by the first run and kept (a campaign's
// targets are not deleted), its ballots, codes and tallies wiped after
// each run.
const IntakeCampaign = "BENCH-INTAKE"

func intakeCampaign(ctx context.Context, s *store.Store) (*pingyi.Campaign, error) {
	c, err := appraisal.New(s).Campaign(ctx, IntakeCampaign)
	if err == nil {
		if !c.TestMode || appraisal.State(c, time.Now()) != appraisal.StateOpen {
			return nil, fmt.Errorf("campaign %s exists but is not an open test-mode campaign: not touching it", IntakeCampaign)
		}
		return c, nil
	}
	if !errors.Is(err, pingyi.ErrNotFound) {
		return nil, err
	}
	scope, _, err := pickScope(ctx, s, intakeScopeMembers)
	if err != nil {
		return nil, err
	}
	c = &pingyi.Campaign{Code: IntakeCampaign, Name: "pingyi bench: ballot intake (test mode)",
		ScopeCode: scope.Code, Kind: pingyi.KindMass, Scale: 3, TestMode: true}
	if err := appraisal.New(s).CreateCampaign(ctx, c, Actor); err != nil {
		return nil, err
	}
	return c, nil
}

// wipeCampaign deletes the bench campaign's ballots and codes and zeroes
// its tallies (like store.WipeTestCampaign, which also ends test mode).
func wipeCampaign(ctx context.Context, s *store.Store, c *pingyi.Campaign) error {
	defer appraisal.New(s).CodesDeleted()
	return s.Tx(ctx, func(q store.Q) error {
		for _, st := range []string{
			`DELETE FROM ballots WHERE campaign_id = ?`,
			`DELETE FROM codes WHERE campaign_id = ?`,
			`DELETE FROM unit_tallies WHERE campaign_id = ?`,
			`UPDATE targets SET satisfied = 0, fairly_satisfied = 0, basically_satisfied = 0, dissatisfied = 0, abstain = 0
				WHERE campaign_id = ? AND satisfied + fairly_satisfied + basically_satisfied + dissatisfied + abstain > 0`,
		} {
			if _, err := q.Exec(ctx, st, c.ID); err != nil {
				return fmt.Errorf("%s: %w", st, err)
			}
		}
		return nil
	})
}
