package cli

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/stars"
	"github.com/pingyi/pingyi/internal/store"
)

// seedDemoCampaigns adds, for the demo town, a closed year-end appraisal
// with ballots (results to look at), an open mass appraisal with unused
// one-time codes (to try the phone page), a standing code for a window
// unit, and last year's finalized stars.
func seedDemoCampaigns(ctx context.Context, st *store.Store, pick *demoObjects, w io.Writer, base string) error {
	rng := rand.New(rand.NewPCG(demoSeed, 7))
	year := time.Now().Year()

	// Last year's year-end appraisal, closed, with ballots in every unit.
	closed := &pingyi.Campaign{Code: fmt.Sprintf("YE%d", year-1), Name: fmt.Sprintf("%d年度基层党组织和党员群众评议", year-1),
		Year: year - 1, Kind: pingyi.KindYearEnd, ScopeCode: pick.town.Code, MinMassShare: "0.8"}
	if err := appraisal.New(st).CreateCampaign(ctx, closed, demoActor); err != nil {
		return err
	}
	units, err := appraisal.New(st).Units(ctx, closed.ID, pingyi.Scope{})
	if err != nil {
		return err
	}
	ballots := 0
	for ui, u := range units {
		targets, err := appraisal.New(st).UnitTargets(ctx, closed.ID, u.ID)
		if err != nil {
			return err
		}
		// Most units meet the 80% mass share; a few fall short (R4).
		massShare := 0.85
		if ui%7 == 3 {
			massShare = 0.6
		}
		// Each unit has its own mood; some members fare badly (R1, R2).
		mood := 0.55 + 0.4*rng.Float64()
		n := 12 + rng.IntN(8)
		var rows []appraisal.BallotRow
		for b := 0; b < n; b++ {
			cat := pingyi.EvalPartyMember
			if rng.Float64() < massShare {
				cat = []pingyi.EvaluatorCategory{pingyi.EvalMassRep, pingyi.EvalServiceObject, pingyi.EvalNonPartyCadre}[rng.IntN(3)]
			} else if rng.IntN(4) == 0 {
				cat = pingyi.EvalTwoReps
			}
			no := strconv.Itoa(b + 1)
			for ti, t := range targets {
				p := mood
				if ti%11 == 5 {
					p = 0.25
				}
				x := rng.Float64()
				r := pingyi.Dissatisfied
				switch {
				case x < p:
					r = pingyi.Satisfied
				case x < p+(1-p)*0.6:
					r = pingyi.BasicallySatisfied
				case x > 0.98:
					r = pingyi.Abstain
				}
				rows = append(rows, appraisal.BallotRow{Line: len(rows) + 2, BallotNo: u.Code + "-" + no, EvaluatorCategory: string(cat),
					TargetType: string(t.Type), TargetCode: t.Code, Rating: string(r)})
			}
		}
		k, err := appraisal.New(st).ImportBallots(ctx, closed, rows, demoActor)
		if err != nil {
			return fmt.Errorf("demo ballots for %s: %w", u.Code, err)
		}
		ballots += k
	}
	closed.Closes = time.Now().Add(-24 * time.Hour).UTC().Format(time.RFC3339)
	closed.Opens = time.Now().Add(-30 * 24 * time.Hour).UTC().Format(time.RFC3339)
	if err := appraisal.New(st).UpdateCampaign(ctx, closed, "各村（社区）党组织、党组织书记和全体党员；群众代表不少于80%",
		"结果作为年度考核、评先评优和“七一”表彰的重要依据", demoActor); err != nil {
		return err
	}
	if err := appraisal.New(st).SetPhase(ctx, closed, 4, demoActor); err != nil {
		return err
	}
	fmt.Fprintf(w, "演示评议活动 %s（已结束，%d 张选票）demo campaign %s: closed, %d ballots\n", closed.Code, ballots, closed.Code, ballots)

	// This year's appraisal, open, with codes for the demo branch.
	open := &pingyi.Campaign{Code: fmt.Sprintf("MA%d", year), Name: fmt.Sprintf("%d年度群众评议", year), Year: year,
		Kind: pingyi.KindMass, ScopeCode: pick.town.Code}
	if err := appraisal.New(st).CreateCampaign(ctx, open, demoActor); err != nil {
		return err
	}
	codes, err := appraisal.New(st).IssueCodes(ctx, open, pick.branch.Code, pingyi.EvalMassRep, 20, demoActor)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "演示评议活动 %s（进行中）demo campaign %s: open; try a one-time code on a phone: %s\n", open.Code, open.Code, CodeURL(base, codes[0]))

	// A window unit's standing code, if the town has one.
	subtree, err := st.Subtree(ctx, pingyi.Scope{}, pick.town.Path)
	if err == nil {
		for _, o := range subtree {
			if o.WindowUnit {
				if code, err := appraisal.New(st).WindowCode(ctx, open, o.Code, demoActor); err == nil {
					fmt.Fprintf(w, "窗口即时评议 window unit %s: %s/w/%s\n", o.Name, base, code)
				}
				break
			}
		}
	}

	// Last year's stars for the demo town, within the 30% quota.
	return seedDemoStars(ctx, st, pick, year-1, rng)
}

func seedDemoStars(ctx context.Context, st *store.Store, pick *demoObjects, year int, rng *rand.Rand) error {
	subtree, err := st.Subtree(ctx, pingyi.Scope{}, pick.town.Path)
	if err != nil {
		return err
	}
	var rows []stars.Row
	for _, o := range subtree {
		ms, err := st.Members(ctx, o.ID)
		if err != nil {
			return err
		}
		counts := map[int]int{}
		for _, m := range ms {
			counts[rules.Cap(m.Category)]++
		}
		excellent := map[int]int{}
		for _, m := range ms {
			c := rules.Cap(m.Category)
			cells := map[pingyi.Star]string{}
			starFields := rules.StarsFor(m.Category)
			// Mostly 1s and 2s; an excellent member only within the quota.
			limit := rules.DefaultStarRules().Limit(counts[c])
			want := 1 + rng.IntN(2)
			for i, s := range starFields {
				v := want
				if rng.IntN(3) == 0 {
					v = rng.IntN(3)
				}
				if i == 0 && rng.IntN(25) == 0 {
					v = 0
				}
				cells[s] = strconv.Itoa(v)
			}
			total := 0
			for _, s := range starFields {
				v, _ := strconv.Atoi(cells[s])
				total += v
			}
			if rules.Level(total, c) == pingyi.LevelExcellent {
				if excellent[c] >= limit {
					cells[starFields[len(starFields)-1]] = "0"
				} else {
					excellent[c]++
				}
			}
			rows = append(rows, stars.Row{Line: len(rows) + 2, MemberCode: m.Code, Cells: cells})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	if _, err := stars.New(st).Import(ctx, year, rows, demoActor); err != nil {
		return fmt.Errorf("demo starFields: %w", err)
	}
	if _, v, err := stars.New(st).Finalize(ctx, year, pick.town.Code, demoActor); err != nil {
		return err
	} else if len(v) > 0 {
		return fmt.Errorf("demo starFields break a quota: %s", v[0])
	}
	return nil
}
