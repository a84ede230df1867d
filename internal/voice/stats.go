package voice

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
)

// StatsHeader is the header of opinions stats (SPEC §6).
var StatsHeader = []string{"org_code", "received", "due", "replied", "replied_on_time", "overdue", "resolved", "partly", "unresolved",
	"rated", "dissatisfied", "response_rate", "resolution_rate", "satisfaction_rate"}

// StatsRow is one org's line.
type StatsRow struct {
	OrgCode string
	rules.OpinionTally
}

// Record is the row as the CSV writes it (rates as percentages with two
// decimals half up, empty with a denominator of 0).
func (r StatsRow) Record() []string {
	t := r.OpinionTally
	n := func(i int) string { return strconv.Itoa(i) }
	return []string{r.OrgCode, n(t.Received), n(t.Due), n(t.Replied), n(t.RepliedOnTime), n(t.Overdue()), n(t.Resolved), n(t.Partly),
		n(t.Unresolved), n(t.Rated), n(t.Dissatisfied), rules.FormatRate(t.ResponseRate()), rules.FormatRate(t.ResolutionRate()),
		rules.FormatRate(t.SatisfactionRate())}
}

// ErrUnknownScope is returned for a scope code that names no org.
var ErrUnknownScope = errors.New("unknown scope")

// Stats computes opinions stats (SPEC §6): the opinions whose receive is
// dated from..to (local dates, inclusive), routed to an org of the scope's
// subtree (the org after the last route), as of asOf (later events
// ignored); one row per org with at least one, sorted by code, and the
// TOTAL row (counts summed, rates from the sums).
//
// Opinions whose ledger ends by asOf are counted from their stored fold;
// only those with events after asOf are replayed up to it.
func (v *Voice) Stats(ctx context.Context, scope, from, to string, asOf time.Time) ([]StatsRow, StatsRow, error) {
	total := StatsRow{OrgCode: "TOTAL"}
	org, err := v.S.Org(ctx, scope)
	if errors.Is(err, pingyi.ErrNotFound) {
		return nil, total, ErrUnknownScope
	}
	if err != nil {
		return nil, total, err
	}
	// The subtree's orgs.
	sub := map[int64]string{}
	byCode := map[string]bool{}
	rows, err := v.S.R().Query(ctx, `SELECT id, code FROM orgs WHERE path LIKE ? ESCAPE '\'`, likePrefix(org.Path))
	if err != nil {
		return nil, total, err
	}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			rows.Close()
			return nil, total, err
		}
		sub[id], byCode[code] = code, true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, total, err
	}
	tallies := map[string]*rules.OpinionTally{}
	add := func(code string, o *rules.Opinion) {
		t := tallies[code]
		if t == nil {
			t = &rules.OpinionTally{}
			tallies[code] = t
		}
		t.Add(o, asOf)
	}
	asOfDB := fmtDB(asOf)
	// The opinions whose ledger ends by asOf are counted from their fold,
	// in the database: the sums below are rules.OpinionTally.Add on the
	// fold's columns (times are fixed-width UTC text, so they compare as
	// text): replied = a first reply; on time = first_reply_at ≤
	// first_reply_by; due = replied or first_reply_by < asOf; outcome from
	// the latest reply; rated and dissatisfied from the latest rating.
	// TestGenerateImports checks them against a replay through the rules.
	rows, err = v.S.R().Query(ctx, `SELECT org_id, COUNT(*),
		SUM(CASE WHEN first_reply_at <> '' OR first_reply_by < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN first_reply_at <> '' THEN 1 ELSE 0 END),
		SUM(CASE WHEN first_reply_at <> '' AND first_reply_at <= first_reply_by THEN 1 ELSE 0 END),
		SUM(CASE WHEN first_reply_at <> '' AND outcome = 'resolved' THEN 1 ELSE 0 END),
		SUM(CASE WHEN first_reply_at <> '' AND outcome = 'partly' THEN 1 ELSE 0 END),
		SUM(CASE WHEN first_reply_at <> '' AND outcome = 'unresolved' THEN 1 ELSE 0 END),
		SUM(CASE WHEN ratings > 0 THEN 1 ELSE 0 END),
		SUM(CASE WHEN ratings > 0 AND rating = 'dissatisfied' THEN 1 ELSE 0 END)
		FROM opinions WHERE received_on >= ? AND received_on <= ? AND last_at <= ? GROUP BY org_id`, asOfDB, from, to, asOfDB)
	if err != nil {
		return nil, total, err
	}
	for rows.Next() {
		var orgID int64
		var t rules.OpinionTally
		if err := rows.Scan(&orgID, &t.Received, &t.Due, &t.Replied, &t.RepliedOnTime, &t.Resolved, &t.Partly, &t.Unresolved, &t.Rated, &t.Dissatisfied); err != nil {
			rows.Close()
			return nil, total, err
		}
		code, in := sub[orgID]
		if !in {
			continue
		}
		if tallies[code] == nil {
			tallies[code] = &rules.OpinionTally{}
		}
		tallies[code].Plus(t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, total, err
	}
	// The others (events after asOf) are replayed up to it.
	cal, err := v.S.Calendar(ctx)
	if err != nil {
		return nil, total, err
	}
	ls, err := loadLedgers(ctx, v.S.R(), v.rules(cal), `op.received_on >= ? AND op.received_on <= ? AND op.last_at > ? AND op.received_at <= ?`,
		[]any{from, to, asOfDB, asOfDB}, asOf)
	if err != nil {
		return nil, total, err
	}
	for _, l := range ls {
		if l.Fold.Events > 0 && byCode[l.Fold.Org] {
			add(l.Fold.Org, &l.Fold)
		}
	}
	out := make([]StatsRow, 0, len(tallies))
	for code, t := range tallies {
		out = append(out, StatsRow{OrgCode: code, OpinionTally: *t})
		total.Plus(*t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OrgCode < out[j].OrgCode })
	return out, total, nil
}

// likePrefix is a LIKE pattern for the paths under path (inclusive).
func likePrefix(path string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(path) + "%"
}
