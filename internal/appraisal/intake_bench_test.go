package appraisal_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// benchUnits and benchMembers size the tree of the intake benchmarks:
// a committee over benchUnits branches of benchMembers members each.
const (
	benchUnits   = 40
	benchMembers = 40
)

// benchCampaign fills s with a small tree (bulk loader) and an open
// campaign over it, and returns the campaign and each unit's targets.
func benchCampaign(b *testing.B, s *store.Store) (*pingyi.Campaign, map[string][]pingyi.Target) {
	b.Helper()
	ctx := context.Background()
	bl, err := s.NewBulkLoader(ctx)
	if err != nil {
		b.Fatal(err)
	}
	must := func(err error) {
		if err != nil {
			bl.Rollback()
			b.Fatal(err)
		}
	}
	must(bl.Org(pingyi.Org{Code: "C", Name: "某镇党委", Type: pingyi.OrgCommittee, Domain: pingyi.DomainRural}))
	for u := 0; u < benchUnits; u++ {
		code := fmt.Sprintf("B%02d", u)
		must(bl.Org(pingyi.Org{Code: code, Name: code + "村党支部", Type: pingyi.OrgBranch, Domain: pingyi.DomainRural, ParentCode: "C"}))
		for m := 0; m < benchMembers; m++ {
			must(bl.Member(pingyi.Member{Code: fmt.Sprintf("M%02d%03d", u, m), Name: "党员", OrgCode: code,
				Category: pingyi.CategoryFarming, IsSecretary: m == 0}))
		}
	}
	if err := bl.Commit(store.CLI, "bench"); err != nil {
		b.Fatal(err)
	}
	c := &pingyi.Campaign{Code: "K", Name: "bench", ScopeCode: "C", Kind: pingyi.KindMass}
	if err := appraisal.New(s).CreateCampaign(ctx, c, store.CLI); err != nil {
		b.Fatal(err)
	}
	units, err := appraisal.New(s).Units(ctx, c.ID, pingyi.Scope{})
	if err != nil {
		b.Fatal(err)
	}
	targets := map[string][]pingyi.Target{}
	for _, u := range units {
		ts, err := appraisal.New(s).UnitTargets(ctx, c.ID, u.ID)
		if err != nil {
			b.Fatal(err)
		}
		targets[u.Code] = ts
	}
	return c, targets
}

// ballot12 rates the unit's org, secretary and ten of its members.
func ballot12(r *rand.Rand, ts []pingyi.Target) []appraisal.RatingInput {
	levels := []string{"satisfied", "satisfied", "satisfied", "basically_satisfied", "dissatisfied", "abstain"}
	out := make([]appraisal.RatingInput, 0, 12)
	for _, t := range ts[:2] {
		out = append(out, appraisal.RatingInput{TargetType: string(t.Type), TargetCode: t.Code, Rating: levels[r.IntN(len(levels))]})
	}
	for _, i := range r.Perm(len(ts) - 2)[:10] {
		t := ts[2+i]
		out = append(out, appraisal.RatingInput{TargetType: string(t.Type), TargetCode: t.Code, Rating: levels[r.IntN(len(levels))]})
	}
	return out
}

type benchCode struct {
	code string
	unit string
}

func issue(b *testing.B, s *store.Store, c *pingyi.Campaign, n int) []benchCode {
	b.Helper()
	var out []benchCode
	per := (n + benchUnits - 1) / benchUnits
	for u := 0; u < benchUnits; u++ {
		unit := fmt.Sprintf("B%02d", u)
		ks, err := appraisal.New(s).IssueCodes(context.Background(), c, unit, pingyi.EvalMassRep, per, store.CLI)
		if err != nil {
			b.Fatal(err)
		}
		for _, k := range ks {
			out = append(out, benchCode{k, unit})
		}
	}
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out[:n]
}

// BenchmarkIntake submits 12-rating ballots through the group-commit
// intake from 64 goroutines (no HTTP): what the writer sustains.
func BenchmarkIntake(b *testing.B) {
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run(db, func(b *testing.B) {
			s := benchStore(b, db)
			c, targets := benchCampaign(b, s)
			codes := issue(b, s, c, max(b.N, 1))
			r := rand.New(rand.NewPCG(2, 2))
			ballots := make([][]appraisal.RatingInput, len(codes))
			for i, k := range codes {
				ballots[i] = ballot12(r, targets[k.unit])
			}
			in := appraisal.New(s).NewIntake()
			defer in.Close()
			ctx := context.Background()
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for w := 0; w < 64; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := int(next.Add(1)) - 1
						if i >= b.N {
							return
						}
						if _, err := in.Submit(ctx, codes[i].code, ballots[i], ""); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ballots/s")
		})
	}
}

// BenchmarkLookup is the intake's per-request code lookup (one indexed
// read of the code, then the unit's targets from the cache).
func BenchmarkLookup(b *testing.B) {
	s := storetest.SQLite(b)
	c, _ := benchCampaign(b, s)
	codes := issue(b, s, c, 1000)
	in := appraisal.New(s).NewIntake()
	defer in.Close()
	ctx := context.Background()
	i := 0
	for b.Loop() {
		if _, err := in.Lookup(ctx, codes[i%len(codes)].code); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkFold folds 12-rating ballots into the tallies (per ballot):
// the intake's deferred work. Each round marks the same ballots untallied
// again (not timed) and folds them.
func BenchmarkFold(b *testing.B) {
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run(db, func(b *testing.B) {
			s := benchStore(b, db)
			c, targets := benchCampaign(b, s)
			const n = 2000
			codes := issue(b, s, c, n)
			r := rand.New(rand.NewPCG(4, 4))
			in := appraisal.New(s).NewIntake()
			ctx := context.Background()
			for _, k := range codes {
				if _, err := in.Submit(ctx, k.code, ballot12(r, targets[k.unit]), ""); err != nil {
					b.Fatal(err)
				}
			}
			in.Close()
			b.ResetTimer()
			for i := 0; i < b.N; i += n {
				b.StopTimer()
				if _, err := s.R().Exec(ctx, `UPDATE ballots SET tallied = 0 WHERE campaign_id = ?`, c.ID); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if err := appraisal.New(s).FoldBallots(ctx, c.ID); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64((b.N+n-1)/n*n)/b.Elapsed().Seconds(), "ballots/s")
		})
	}
}

// benchStore opens a fresh database of the kind named ("sqlite" or
// "postgres").
func benchStore(b *testing.B, db string) *store.Store {
	if db == "sqlite" {
		return storetest.SQLite(b)
	}
	return storetest.Postgres(b)
}
