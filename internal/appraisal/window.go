package appraisal

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"

	"github.com/pingyi/pingyi/internal/pingyi"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// WindowCode returns (making it the first time) the standing QR code of a
// window unit (窗口单位) in a campaign: service objects rate the unit on
// the spot, every day, with the same code.
func (s *Store) WindowCode(ctx context.Context, c *pingyi.Campaign, orgCode string, a store.Actor) (string, error) {
	o, err := s.Org(ctx, orgCode)
	if err != nil {
		return "", err
	}
	bad := &pingyi.InputError{}
	if !o.WindowUnit {
		bad.Add(0, "unit", "%s is not a window unit", orgCode)
		return "", bad
	}
	var n int
	s.R().QueryRow(ctx, `SELECT COUNT(*) FROM targets WHERE campaign_id = ? AND type = 'org' AND code = ?`, c.ID, orgCode).Scan(&n)
	if n == 0 {
		bad.Add(0, "unit", "%s is not an org target of campaign %s", orgCode, c.Code)
		return "", bad
	}
	var code string
	err = s.R().QueryRow(ctx, `SELECT code FROM window_codes WHERE campaign_id = ? AND org_id = ?`, c.ID, o.ID).Scan(&code)
	if err == nil {
		return code, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	code = "W" + store.UniqueCodes(1)[0]
	err = s.Tx(ctx, func(q store.Q) error {
		if _, err := q.Exec(ctx, `INSERT INTO window_codes (code, campaign_id, org_id) VALUES (?, ?, ?)`, code, c.ID, o.ID); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "window_code", "campaign", c.Code, nil, map[string]string{"unit": orgCode})
	})
	if store.IsUniqueViolation(err) {
		return s.WindowCode(ctx, c, orgCode, a)
	}
	return code, err
}

// WindowInfo is what a standing code rates: one window unit's org target.
type WindowInfo struct {
	Code     string
	Campaign *pingyi.Campaign
	Org      *pingyi.Org
	TargetID int64
}

// LookupWindow resolves a standing code.
func (s *Store) LookupWindow(ctx context.Context, code string) (*WindowInfo, error) {
	var w WindowInfo
	var cid, oid int64
	err := s.R().QueryRow(ctx, `SELECT code, campaign_id, org_id FROM window_codes WHERE code = ?`, normalizeCode(code)).Scan(&w.Code, &cid, &oid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingyi.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if w.Campaign, err = s.CampaignByID(ctx, cid); err != nil {
		return nil, err
	}
	if w.Org, err = s.OrgByID(ctx, oid); err != nil {
		return nil, err
	}
	err = s.R().QueryRow(ctx, `SELECT id FROM targets WHERE campaign_id = ? AND type = 'org' AND code = ?`, cid, w.Org.Code).Scan(&w.TargetID)
	return &w, err
}

// RateWindow adds one instant rating to the unit's daily aggregate, to its
// org target's tally and to its unit tally as a service object's ballot
// (so the daily aggregates count in the unit's results). No ballot row is
// kept: the daily aggregate is the record.
//
// The campaign's cached summary, if any, takes the rating in place
// (applyTallyDeltas); other campaigns' summaries are not touched.
//
// ErrCampaignClosed when the campaign is not open (read in the transaction).
func (s *Store) RateWindow(ctx context.Context, w *WindowInfo, r pingyi.Rating) error {
	if !w.Campaign.Scale.Allows(r) {
		return &RatingError{"rating not on the campaign's scale"}
	}
	ti := rules.Slot(r)
	col := []string{"satisfied", "fairly_satisfied", "basically_satisfied", "dissatisfied", "abstain"}[ti]
	var d rules.Tally
	d.AddSlot(ti, 1)
	applied := false
	defer func() {
		if !applied {
			s.invalidateResults() // the transaction's outcome is unknown
		}
	}()
	err := s.Tx(ctx, func(q store.Q) error {
		if _, err := q.Exec(ctx, `INSERT INTO window_daily (campaign_id, org_id, day, `+col+`) VALUES (?, ?, ?, 1)
			ON CONFLICT (campaign_id, org_id, day) DO UPDATE SET `+col+` = window_daily.`+col+` + 1`, w.Campaign.ID, w.Org.ID, store.Today()); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE targets SET `+col+` = `+col+` + 1 WHERE id = ?`, w.TargetID); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `INSERT INTO unit_tallies (campaign_id, unit_org_id, category, ballots) VALUES (?, ?, ?, 1)
			ON CONFLICT (campaign_id, unit_org_id, category) DO UPDATE SET ballots = unit_tallies.ballots + 1`,
			w.Campaign.ID, w.Org.ID, string(pingyi.EvalServiceObject)); err != nil {
			return err
		}
		return checkOpen(ctx, q, []int64{w.Campaign.ID}) // the seal: none after the close (seal.go)
	})
	if err == nil {
		s.applyTallyDeltas(w.Campaign.ID, map[int64]*rules.Tally{w.TargetID: &d},
			map[unitTallyKey]int64{{Campaign: w.Campaign.ID, Unit: w.Org.ID, Category: string(pingyi.EvalServiceObject)}: 1})
		applied = true
	}
	return err
}

// WindowDay is one day's aggregate of a window unit.
type WindowDay struct {
	Day   string
	Tally rules.Tally
}

// WindowDays lists a window unit's daily aggregates in a campaign, newest first.
func (s *Store) WindowDays(ctx context.Context, c *pingyi.Campaign, orgID int64) ([]WindowDay, error) {
	rows, err := s.R().Query(ctx, `SELECT day, satisfied, fairly_satisfied, basically_satisfied, dissatisfied, abstain FROM window_daily
		WHERE campaign_id = ? AND org_id = ? ORDER BY day DESC`, c.ID, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []WindowDay
	for rows.Next() {
		var d WindowDay
		if err := rows.Scan(d.Tally.Dest(&d.Day)...); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
