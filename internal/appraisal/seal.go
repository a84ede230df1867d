package appraisal

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/store"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
)

// The seal of a campaign (SPEC §2, issue 10), kept here so that every way
// in (pages, API, command line) obeys it: a campaign closed with ballots
// never reopens and its window never changes; its anonymity threshold is
// at least rules.MinAnonymity and never goes down once ballots exist;
// ballots (phone or paper) are stored only while it is open, checked in
// the transaction that stores them; codes are issued by an org above the
// unit, never by one of the unit's targets.

// hasBallots reports whether a campaign has ballots or window ratings:
// counted in its unit tallies (window ratings and folded ballots) or
// waiting for the fold (each probe by an index).
func hasBallots(ctx context.Context, q store.Q, campaignID int64) (bool, error) {
	var n int64
	err := q.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM unit_tallies WHERE campaign_id = ? AND ballots > 0 LIMIT 1) u)
		+ (SELECT COUNT(*) FROM (SELECT 1 FROM ballots WHERE campaign_id = ? AND tallied = 0 LIMIT 1) b)`, campaignID, campaignID).Scan(&n)
	return n > 0, err
}

// checkSeal refuses a change of old into c that breaks the seal.
func checkSeal(ctx context.Context, q store.Q, old, c *pingyi.Campaign) error {
	ballots, err := hasBallots(ctx, q, c.ID)
	if err != nil {
		return err
	}
	v := rules.CheckSeal(rules.SealChange{Old: rules.Window{Opens: old.Opens, Closes: old.Closes}, New: rules.Window{Opens: c.Opens, Closes: c.Closes},
		OldAnonymity: old.Anonymity, NewAnonymity: c.Anonymity, Ballots: ballots}, time.Now())
	bad := &pingyi.InputError{}
	for _, s := range v {
		switch s {
		case rules.SealReopen:
			bad.Add(0, "closes", "campaign %s has closed with ballots: its window never changes again", c.Code)
		case rules.SealOpensLater:
			bad.Add(0, "opens", "campaign %s has ballots: its start cannot move after now", c.Code)
		case rules.SealThresholdFloor:
			bad.Add(0, "anonymity", "the anonymity threshold must be between %d and %d", rules.MinAnonymity, rules.MaxAnonymity)
		case rules.SealThresholdLowered:
			bad.Add(0, "anonymity", "campaign %s has ballots: its anonymity threshold cannot go below %d", c.Code, old.Anonymity)
		}
	}
	return bad.Err()
}

// lockIntake makes a change of a campaign's window wait for the ballots
// being written and hold back new ones until it commits (PostgreSQL; on
// SQLite a write transaction already excludes every other). The writers
// check the window after inserting (checkOpen), so that a ballot is
// either committed before the change or refused after it.
func lockIntake(ctx context.Context, q store.Q) error {
	if q.Dialect() != store.Postgres {
		return nil
	}
	_, err := q.Exec(ctx, `LOCK TABLE ballots, window_daily IN SHARE MODE`)
	return err
}

// checkOpen refuses the transaction when one of the campaigns is not open
// now, read in the transaction (after the ballots' insert: see lockIntake).
func checkOpen(ctx context.Context, q store.Q, campaignIDs []int64) error {
	now := time.Now()
	for _, id := range campaignIDs {
		var c pingyi.Campaign
		if err := q.QueryRow(ctx, `SELECT opens, closes FROM campaigns WHERE id = ?`, id).Scan(&c.Opens, &c.Closes); err != nil {
			return err
		}
		if State(&c, now) != StateOpen {
			return ErrCampaignClosed
		}
	}
	return nil
}

// CanIssueCodes reports whether the account a may issue codes of unit u:
// the command line (no account) may; an account only when its org lies
// strictly above the unit (the superior organizes the appraisal, SPEC §2
// 按隶属关系) or it is a system administrator, and never when its member
// is of the unit or one of its targets (a disabled or unknown account
// never).
func (s *Store) CanIssueCodes(ctx context.Context, campaignID int64, u *Unit, a store.Actor) (bool, error) {
	if a.UserID == 0 {
		return true, nil
	}
	user, err := s.UserByID(ctx, a.UserID)
	if errors.Is(err, pingyi.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return s.issuerOK(ctx, campaignID, u, user)
}

func (s *Store) issuerOK(ctx context.Context, campaignID int64, u *Unit, user *pingyi.User) (bool, error) {
	if user.Disabled {
		return false, nil
	}
	if user.Role != pingyi.RoleAdmin && !IssuerAbove(user.OrgPath, u.Path) {
		return false, nil
	}
	if user.MemberID == 0 {
		return true, nil
	}
	var n int64
	err := s.R().QueryRow(ctx, `SELECT COUNT(*) FROM members m WHERE m.id = ? AND (m.org_id = ? OR EXISTS (SELECT 1 FROM targets t
		WHERE t.campaign_id = ? AND t.unit_org_id = ? AND t.type = 'member' AND t.code = m.code))`, user.MemberID, u.ID, campaignID, u.ID).Scan(&n)
	return n == 0, err
}

// IssuerAbove reports whether an org with path issuer lies strictly above
// the unit with path unit.
func IssuerAbove(issuer, unit string) bool {
	return issuer != "" && issuer != unit && strings.HasPrefix(unit, issuer)
}

// SortClosedBallots rewrites, on PostgreSQL, the ballots of every closed
// campaign not yet rewritten in key order (campaigns.ballots_sorted = 0):
// deleted and inserted again sorted by their random IDs in one
// transaction, then the table vacuumed so that the dead row versions,
// which still lie in arrival order, are gone. A closed campaign with
// ballots never takes another (the seal), so this happens once per
// campaign. On SQLite the ballots table is WITHOUT ROWID — its rows
// already lie in key order — and the campaign is only marked. The intake's
// folder calls it when the intake is quiet; UpdateCampaign when it closes
// a campaign.
func (s *Store) SortClosedBallots(ctx context.Context) error {
	rows, err := s.R().Query(ctx, `SELECT id, opens, closes FROM campaigns WHERE ballots_sorted = 0`)
	if err != nil {
		return err
	}
	var due []int64
	now := time.Now()
	for rows.Next() {
		var c pingyi.Campaign
		if err := rows.Scan(&c.ID, &c.Opens, &c.Closes); err != nil {
			rows.Close()
			return err
		}
		if State(&c, now) == StateClosed {
			due = append(due, c.ID)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	vacuum := false
	for _, id := range due {
		n, err := s.sortBallots(ctx, id)
		if err != nil {
			return err
		}
		vacuum = vacuum || n > 0
	}
	if vacuum && s.Dialect == store.Postgres {
		for _, t := range []string{"ballots", "receipts"} {
			if _, err := s.DB.ExecContext(ctx, `VACUUM `+t); err != nil {
				return err
			}
		}
	}
	return nil
}

// sortBallots folds a closed campaign and rewrites its ballots (and its
// receipts) in key order, returning how many ballots it rewrote.
func (s *Store) sortBallots(ctx context.Context, campaignID int64) (int64, error) {
	if err := s.FoldBallots(ctx, campaignID); err != nil {
		return 0, err
	}
	s.foldMu.Lock()
	defer s.foldMu.Unlock()
	var n int64
	err := s.Tx(ctx, func(q store.Q) error {
		// The campaign's row first, then the ballots: UpdateCampaign's order.
		if _, err := q.Exec(ctx, `UPDATE campaigns SET ballots_sorted = 1 WHERE id = ?`, campaignID); err != nil {
			return err
		}
		if q.Dialect() == store.Postgres {
			for _, t := range []struct{ table, key string }{{"ballots", "id"}, {"receipts", "token"}} {
				for _, st := range []string{
					`CREATE TEMP TABLE seal_sort ON COMMIT DROP AS SELECT * FROM ` + t.table + ` WHERE campaign_id = ?`,
					`DELETE FROM ` + t.table + ` WHERE campaign_id = ?`,
				} {
					res, err := q.Exec(ctx, st, campaignID)
					if err != nil {
						return err
					}
					if t.table == "ballots" && strings.HasPrefix(st, "DELETE") {
						n, _ = res.RowsAffected()
					}
				}
				for _, st := range []string{`INSERT INTO ` + t.table + ` SELECT * FROM seal_sort ORDER BY ` + t.key, `DROP TABLE seal_sort`} {
					if _, err := q.Exec(ctx, st); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	return n, err
}
