package store

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

// Results counts a campaign from its tallies (kept up to date as ballots
// arrive, so this never rescans ballots) and applies R1–R5.
func (s *Store) results(ctx context.Context, c *pingyi.Campaign) (*Results, error) {
	type meta struct {
		id                   int64
		name, unit, uname, p string
	}
	metas := map[targetKey]meta{}
	var in rules.CampaignInput
	in.Kind = c.Kind
	share, err := rules.ParseShare(c.MinMassShare)
	if err != nil {
		return nil, err
	}
	in.MinMassShare = share
	rows, err := s.R().Query(ctx, `SELECT t.id, t.type, t.code, t.name, o.code, o.name, o.path,
		t.satisfied, t.fairly_satisfied, t.basically_satisfied, t.dissatisfied, t.abstain
		FROM targets t JOIN orgs o ON o.id = t.unit_org_id WHERE t.campaign_id = ?`, c.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var ti rules.TargetInput
		var m meta
		if err := rows.Scan(&m.id, &ti.Type, &ti.Code, &m.name, &m.unit, &m.uname, &m.p,
			&ti.Tally.Satisfied, &ti.Tally.FairlySatisfied, &ti.Tally.BasicallySatisfied, &ti.Tally.Dissatisfied, &ti.Tally.Abstain); err != nil {
			rows.Close()
			return nil, err
		}
		ti.Unit = m.unit
		metas[targetKey{string(ti.Type), ti.Code}] = m
		in.Targets = append(in.Targets, ti)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Window units' daily aggregates count in the unit's org target.
	// (They are added to the tallies as they arrive; nothing to do here.)

	units := map[string]*UnitResult{}
	var unitOrder []string
	rows, err = s.R().Query(ctx, `SELECT o.code, o.name, o.path, u.category, u.ballots FROM unit_tallies u JOIN orgs o ON o.id = u.unit_org_id
		WHERE u.campaign_id = ? ORDER BY o.code`, c.ID)
	if err != nil {
		return nil, err
	}
	res := &Results{Campaign: c}
	for rows.Next() {
		var code, name, path, cat string
		var n int64
		if err := rows.Scan(&code, &name, &path, &cat, &n); err != nil {
			rows.Close()
			return nil, err
		}
		u := units[code]
		if u == nil {
			u = &UnitResult{Code: code, Name: name, Path: path, ByCategory: map[pingyi.EvaluatorCategory]int64{}}
			u.Unit = code
			units[code] = u
			unitOrder = append(unitOrder, code)
		}
		u.ByCategory[pingyi.EvaluatorCategory(cat)] += n
		u.Ballots += n
		res.Ballots += n
		if pingyi.EvaluatorCategory(cat).IsMasses() {
			u.MassBallots += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, code := range unitOrder {
		u := units[code]
		u.Low = rules.LowMassShare(u.UnitInput, share)
		in.Units = append(in.Units, u.UnitInput)
		res.Units = append(res.Units, *u)
	}
	if c.Kind == pingyi.KindRegular {
		if in.PriorBelowAverage, err = s.priorBelowAverage(ctx, c); err != nil {
			return nil, err
		}
	}
	if avg, ok := rules.OrgAverage(in.Targets); ok {
		res.OrgAverage = avg
	}
	for _, r := range rules.Evaluate(in) {
		m := metas[targetKey{string(r.Type), r.Code}]
		res.Targets = append(res.Targets, TargetResult{TargetResult: r, ID: m.id, Name: m.name, UnitCode: m.unit, UnitName: m.uname, UnitPath: m.p})
	}
	return res, nil
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
