package appraisal

import (
	"context"
	"math/big"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
)

// TargetResult is one target's counted result with its name and unit.
type TargetResult struct {
	rules.TargetResult
	ID       int64
	Name     string
	UnitCode string
	UnitName string
	UnitPath string
}

// UnitResult is one unit's ballot composition (R4).
type UnitResult struct {
	Code, Name, Path string
	ByCategory       map[pingyi.EvaluatorCategory]int64
	rules.UnitInput
	Low bool
}

// Results is a counted campaign.
type Results struct {
	Campaign   *pingyi.Campaign
	Targets    []TargetResult // sorted by target type then code
	Units      []UnitResult   // by code
	OrgAverage *big.Rat       // nil without org targets with valid ballots
	Ballots    int64
}

// results is a campaign's summary with every target's code and name read
// from the database.
func (s *Store) results(ctx context.Context, c *pingyi.Campaign, sm *Summary) (*Results, error) {
	res := &Results{Campaign: c, OrgAverage: sm.OrgAverage, Ballots: sm.Ballots, Targets: make([]TargetResult, 0, len(sm.Targets))}
	if err := s.EachResult(ctx, sm, nil, func(r TargetResult) error {
		res.Targets = append(res.Targets, r)
		return nil
	}); err != nil {
		return nil, err
	}
	for i := range sm.Units {
		if u := &sm.Units[i]; u.Tallied {
			res.Units = append(res.Units, sm.UnitResult(int32(i)))
		}
	}
	return res, nil
}

// UnitResult is unit i of the summary with its ballots by category.
func (sm *Summary) UnitResult(i int32) UnitResult {
	u := &sm.Units[i]
	out := UnitResult{Code: u.Code, Name: u.Name, Path: u.Path, ByCategory: map[pingyi.EvaluatorCategory]int64{}, UnitInput: u.Input(), Low: u.Low}
	for k, cat := range pingyi.EvaluatorCategories {
		if u.ByCategory[k] != 0 {
			out.ByCategory[cat] = u.ByCategory[k]
		}
	}
	return out
}

// priorBelowAverage counts, per org code, the earlier formal regular
// campaigns of the same year in which that org was below average (R3).
// Earlier means created before c.
func (s *Store) priorBelowAverage(ctx context.Context, c *pingyi.Campaign) (map[string]int, error) {
	rows, err := s.R().Query(ctx, `SELECT id FROM campaigns WHERE kind = ? AND year = ? AND test_mode = 0 AND id <> ?
		AND (created_at < ? OR (created_at = ? AND id < ?))`, string(pingyi.KindRegular), c.Year, c.ID, c.CreatedAt, c.CreatedAt, c.ID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := map[string]int{}
	for _, id := range ids {
		var targets []rules.TargetInput
		rs, err := s.R().Query(ctx, `SELECT code, satisfied, fairly_satisfied, basically_satisfied, dissatisfied, abstain FROM targets
			WHERE campaign_id = ? AND type = 'org'`, id)
		if err != nil {
			return nil, err
		}
		for rs.Next() {
			t := rules.TargetInput{Type: pingyi.TargetOrg}
			if err := rs.Scan(&t.Code, &t.Tally.Satisfied, &t.Tally.FairlySatisfied, &t.Tally.BasicallySatisfied, &t.Tally.Dissatisfied, &t.Tally.Abstain); err != nil {
				rs.Close()
				return nil, err
			}
			targets = append(targets, t)
		}
		rs.Close()
		avg, ok := rules.OrgAverage(targets)
		if !ok {
			continue
		}
		for _, t := range targets {
			if r, ok := t.Tally.Rate(); ok && r.Cmp(avg) < 0 {
				out[t.Code]++
			}
		}
	}
	return out, nil
}
