// Package bench measures Pingyi at scale (`pingyi bench`) and fills
// databases with generated scale data for it (`pingyi demo --scale`).
package bench

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/demo"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
)

// FillOptions say what Fill generates.
type FillOptions struct {
	Scale   demo.Scale
	Seed    uint64
	Ballots bool      // also a year-end campaign over the whole tree with its ballots
	Year    int       // of that campaign (default: last year)
	Log     io.Writer // progress (nil: none)
}

// FillStats says what Fill wrote and how long each part took.
type FillStats struct {
	Orgs, Members             int64
	Campaign                  string
	Targets, Ballots, Ratings int64
	TreeTime, CampaignTime    time.Duration
	BallotTime                time.Duration
}

// Actor signs scale data in the audit log.
var Actor = store.Actor{Username: "demo-scale"}

// ErrNotEmpty is returned by Fill for a database that already has orgs.
var ErrNotEmpty = fmt.Errorf("the database already has orgs: scale data goes into an empty database")

// Fill generates a scale's tree into an empty database with the bulk
// loader, and with Ballots a closed year-end campaign over the whole tree
// with ≈ 10 ballots per target and ≈ 10 ratings per ballot, tallies kept.
func Fill(ctx context.Context, s *store.Store, o FillOptions) (*FillStats, error) {
	logf := func(format string, args ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, format+"\n", args...)
		}
	}
	var n int
	if err := s.R().QueryRow(ctx, `SELECT COUNT(*) FROM orgs`).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, ErrNotEmpty
	}
	st := &FillStats{}
	t0 := time.Now()
	b, err := s.NewBulkLoader(ctx)
	if err != nil {
		return nil, err
	}
	var root string
	last := time.Now()
	err = demo.Generate(o.Scale, o.Seed, func(org pingyi.Org) error {
		if root == "" {
			root = org.Code
		}
		return b.Org(org)
	}, func(m pingyi.Member) error {
		if time.Since(last) > 5*time.Second {
			last = time.Now()
			logf("  … %d orgs, %d members (%s)", b.Stats.Orgs, b.Stats.Members, time.Since(t0).Round(time.Second))
		}
		return b.Member(m)
	})
	if err != nil {
		b.Rollback()
		return nil, err
	}
	st.Orgs, st.Members = b.Stats.Orgs, b.Stats.Members
	if err := b.Commit(Actor, "demo "+o.Scale.Name); err != nil {
		return nil, err
	}
	st.TreeTime = time.Since(t0)
	logf("tree: %d orgs, %d members in %s", st.Orgs, st.Members, st.TreeTime.Round(time.Millisecond))
	if !o.Ballots {
		return st, nil
	}

	year := o.Year
	if year == 0 {
		year = time.Now().Year() - 1
	}
	t0 = time.Now()
	c := &pingyi.Campaign{Code: fmt.Sprintf("YE%d", year), Name: fmt.Sprintf("%d年度党组织和党员年终群众满意度调查", year),
		ScopeCode: root, Kind: pingyi.KindYearEnd, Year: year, Scale: 3,
		Opens:  time.Date(year, 12, 1, 0, 0, 0, 0, time.Local).UTC().Format(time.RFC3339),
		Closes: time.Date(year+1, 1, 15, 0, 0, 0, 0, time.Local).UTC().Format(time.RFC3339)}
	if err := appraisal.New(s).CreateCampaign(ctx, c, Actor); err != nil {
		return nil, err
	}
	st.Campaign = c.Code
	st.CampaignTime = time.Since(t0)
	logf("campaign %s created in %s", c.Code, st.CampaignTime.Round(time.Millisecond))

	t0 = time.Now()
	if err := fillBallots(ctx, s, c, o.Seed, st, logf); err != nil {
		return nil, err
	}
	st.BallotTime = time.Since(t0)
	logf("ballots: %d ballots, %d ratings over %d targets in %s", st.Ballots, st.Ratings, st.Targets, st.BallotTime.Round(time.Millisecond))
	return st, nil
}

type fillTarget struct {
	id   int64
	typ  pingyi.TargetType
	code string
}

// fillBallots streams the campaign's targets unit by unit and writes each
// unit's ballots with the bulk loader.
func fillBallots(ctx context.Context, s *store.Store, c *pingyi.Campaign, seed uint64, st *FillStats, logf func(string, ...any)) error {
	b, err := s.NewBulkLoader(ctx)
	if err != nil {
		return err
	}
	bb := appraisal.NewBulkBallots(b)
	rows, err := s.R().Query(ctx, `SELECT t.id, t.type, t.code, t.unit_org_id, o.code FROM targets t JOIN orgs o ON o.id = t.unit_org_id
		WHERE t.campaign_id = ? ORDER BY t.unit_org_id`, c.ID)
	if err != nil {
		b.Rollback()
		return err
	}
	defer rows.Close()
	g := &ballotGen{seed: seed, year: c.Year}
	var unit int64
	var unitCode string
	var targets []fillTarget
	start, last := time.Now(), time.Now()
	flush := func() error {
		if len(targets) == 0 {
			return nil
		}
		st.Targets += int64(len(targets))
		err := g.unit(unitCode, targets, func(cat pingyi.EvaluatorCategory, day string, rs []appraisal.BulkRating) error {
			return bb.Ballot(c, unit, cat, day, "code", rs)
		})
		targets = targets[:0]
		if time.Since(last) > 5*time.Second {
			last = time.Now()
			logf("  … %d ballots, %d ratings (%s)", bb.Ballots, bb.Ratings, time.Since(start).Round(time.Second))
		}
		return err
	}
	for rows.Next() {
		var t fillTarget
		var u int64
		var uc string
		if err := rows.Scan(&t.id, &t.typ, &t.code, &u, &uc); err != nil {
			b.Rollback()
			return err
		}
		if u != unit {
			if err := flush(); err != nil {
				b.Rollback()
				return err
			}
			unit, unitCode = u, uc
		}
		targets = append(targets, t)
	}
	if err := rows.Err(); err != nil {
		b.Rollback()
		return err
	}
	if err := flush(); err != nil {
		b.Rollback()
		return err
	}
	rows.Close()
	st.Ballots, st.Ratings = bb.Ballots, bb.Ratings
	return b.Commit(Actor, "ballots "+c.Code)
}

// ballotGen makes plausible ballots for one unit at a time, the same for
// the same seed and unit.
type ballotGen struct {
	seed    uint64
	year    int
	pcg     rand.PCG
	r       *rand.Rand
	probs   [][4]float64 // per target: satisfied, basically, dissatisfied, abstain
	pick    []int
	ratings []appraisal.BulkRating
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

var (
	massCats  = []pingyi.EvaluatorCategory{pingyi.EvalMassRep, pingyi.EvalServiceObject, pingyi.EvalNonPartyCadre, pingyi.EvalNonPartyInvestor}
	massW     = []float64{0.45, 0.25, 0.20, 0.10}
	otherCats = []pingyi.EvaluatorCategory{pingyi.EvalPartyMember, pingyi.EvalTwoReps, pingyi.EvalSubordinateLeader, pingyi.EvalSuperior}
	otherW    = []float64{0.60, 0.15, 0.15, 0.10}
)

func weighted(r *rand.Rand, w []float64) int {
	x := r.Float64()
	for i, p := range w {
		if x < p {
			return i
		}
		x -= p
	}
	return len(w) - 1
}

// unit emits the ballots of one evaluation unit: ≈ as many ballots as it
// has targets (at least 10), each rating the org, its secretary and
// members drawn at random up to 10 ratings. About 92% of units have at
// least 80% of their ballots cast by the masses.
func (g *ballotGen) unit(unitCode string, targets []fillTarget, emit func(pingyi.EvaluatorCategory, string, []appraisal.BulkRating) error) error {
	if g.r == nil {
		g.r = rand.New(&g.pcg)
	}
	r := g.r
	// Org, secretary, then members by code: the same order every time.
	order := map[pingyi.TargetType]int{pingyi.TargetOrg: 0, pingyi.TargetSecretary: 1, pingyi.TargetMember: 2}
	slices.SortFunc(targets, func(a, b fillTarget) int {
		if a.typ != b.typ {
			return order[a.typ] - order[b.typ]
		}
		return strings.Compare(a.code, b.code)
	})
	// How each target is seen: most are well regarded, a few poorly.
	g.probs = g.probs[:0]
	for _, t := range targets {
		g.pcg.Seed(g.seed, hash(string(t.typ)+"/"+t.code))
		var p [4]float64
		if r.Float64() < 0.03 {
			p[0], p[2] = 0.20+0.15*r.Float64(), 0.40+0.20*r.Float64()
		} else {
			p[0] = 0.70 + 0.28*r.Float64()
			p[2] = (1 - p[0]) * (0.05 + 0.30*r.Float64())
		}
		p[3] = 0.01
		p[1] = max(0, 1-p[0]-p[2]-p[3])
		g.probs = append(g.probs, p)
	}
	g.pcg.Seed(g.seed, hash("unit/"+unitCode))
	fixed := 0 // org and secretary: on every ballot
	for fixed < len(targets) && targets[fixed].typ != pingyi.TargetMember {
		fixed++
	}
	nb := max(10, len(targets))
	share := 0.82 + 0.13*r.Float64()
	if r.Float64() < 0.08 {
		share = 0.55 + 0.20*r.Float64()
	}
	nMass := int(math.Round(share * float64(nb)))
	g.pick = g.pick[:0]
	for i := fixed; i < len(targets); i++ {
		g.pick = append(g.pick, i)
	}
	levels := [4]pingyi.Rating{pingyi.Satisfied, pingyi.BasicallySatisfied, pingyi.Dissatisfied, pingyi.Abstain}
	for i := 0; i < nb; i++ {
		var cat pingyi.EvaluatorCategory
		if i < nMass {
			cat = massCats[weighted(r, massW)]
		} else {
			cat = otherCats[weighted(r, otherW)]
		}
		day := fmt.Sprintf("%d-12-%02d", g.year, 1+r.IntN(31))
		g.ratings = g.ratings[:0]
		rate := func(ti int) {
			g.ratings = append(g.ratings, appraisal.BulkRating{TargetID: targets[ti].id, Rating: levels[weighted(r, g.probs[ti][:])]})
		}
		for ti := 0; ti < fixed; ti++ {
			rate(ti)
		}
		k := min(len(g.pick), 10-fixed)
		for j := 0; j < k; j++ { // a partial shuffle draws k distinct members
			x := j + r.IntN(len(g.pick)-j)
			g.pick[j], g.pick[x] = g.pick[x], g.pick[j]
			rate(g.pick[j])
		}
		if err := emit(cat, day, g.ratings); err != nil {
			return err
		}
	}
	return nil
}
