package appraisal

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/pingyi/pingyi/internal/store"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// Unit is an evaluation unit of a campaign: an org that has targets.
type Unit struct {
	ID      int64
	Code    string
	Name    string
	Path    string
	Targets int
}

// Units lists a campaign's evaluation units in scope, by code.
func (s *Store) Units(ctx context.Context, campaignID int64, scope pingyi.Scope) ([]Unit, error) {
	q := `SELECT o.id, o.code, o.name, o.path, COUNT(*) FROM targets t JOIN orgs o ON o.id = t.unit_org_id WHERE t.campaign_id = ?`
	args := []any{campaignID}
	if !scope.All() {
		pred, pargs := s.PathPrefix("o.path", scope.Path)
		q += ` AND ` + pred
		args = append(args, pargs...)
	}
	q += ` GROUP BY o.id, o.code, o.name, o.path ORDER BY o.code`
	rows, err := s.R().Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		var u Unit
		if err := rows.Scan(&u.ID, &u.Code, &u.Name, &u.Path, &u.Targets); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Unit returns one evaluation unit of a campaign by org code.
func (s *Store) Unit(ctx context.Context, campaignID int64, orgCode string) (*Unit, error) {
	var u Unit
	err := s.R().QueryRow(ctx, `SELECT o.id, o.code, o.name, o.path, (SELECT COUNT(*) FROM targets t WHERE t.campaign_id = ? AND t.unit_org_id = o.id)
		FROM orgs o WHERE o.code = ?`, campaignID, orgCode).Scan(&u.ID, &u.Code, &u.Name, &u.Path, &u.Targets)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && u.Targets == 0) {
		return nil, pingyi.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// IssueCodes makes count one-time codes for one unit and evaluator
// category of a campaign, in random order (they are handed out at random).
// The account a must be an issuer of the unit (CanIssueCodes).
func (s *Store) IssueCodes(ctx context.Context, c *pingyi.Campaign, unitCode string, cat pingyi.EvaluatorCategory, count int, a store.Actor) ([]string, error) {
	bad := &pingyi.InputError{}
	if !pingyi.ValidEvaluatorCategory(string(cat)) {
		bad.Add(0, "category", "unknown evaluator category %q", cat)
	}
	if State(c, time.Now()) == StateClosed {
		bad.Add(0, "unit", "campaign %s has closed: no more codes", c.Code)
	}
	if count < 1 || count > 100000 {
		bad.Add(0, "count", "count must be between 1 and 100000")
	}
	u, err := s.Unit(ctx, c.ID, unitCode)
	if errors.Is(err, pingyi.ErrNotFound) {
		bad.Add(0, "unit", "%q is not an evaluation unit of campaign %s (an org with targets in it)", unitCode, c.Code)
	} else if err != nil {
		return nil, err
	} else if ok, err := s.CanIssueCodes(ctx, c.ID, u, a); err != nil {
		return nil, err
	} else if !ok {
		bad.Add(0, "unit", "codes of unit %s are issued by an org above it, never by the unit itself or one of its targets", unitCode)
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	batch := store.Now()
	var codes []string
	err = s.Tx(ctx, func(q store.Q) error {
		codes = store.UniqueCodes(count)
		rows := make([][]any, 0, count)
		for _, code := range codes {
			rows = append(rows, []any{code, c.ID, u.ID, string(cat), batch})
		}
		if err := store.BatchInsert(ctx, q, "codes", []string{"code", "campaign_id", "unit_org_id", "category", "batch"}, rows); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "issue_codes", "campaign", c.Code, nil, map[string]any{"unit": unitCode, "category": cat, "count": count})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// CodeCount summarises the codes of a campaign per unit and evaluator
// category: issued and used, beside the ballots received (phone and
// paper), so that more ballots than codes, or codes issued far beyond a
// unit's evaluators, show.
type CodeCount struct {
	UnitCode, Category string
	Issued, Used       int
	Ballots            int64
}

// CodeCounts lists issued and used codes per unit and category, with the
// ballots received of each.
func (s *Store) CodeCounts(ctx context.Context, campaignID int64) ([]CodeCount, error) {
	if err := s.FoldBallots(ctx, campaignID); err != nil {
		return nil, err
	}
	rows, err := s.R().Query(ctx, `SELECT o.code, k.Category, k.issued, k.used, COALESCE(u.ballots, 0) FROM
		(SELECT unit_org_id, category, COUNT(*) AS issued, SUM(used) AS used FROM codes WHERE campaign_id = ? GROUP BY unit_org_id, category) k
		JOIN orgs o ON o.id = k.unit_org_id
		LEFT JOIN unit_tallies u ON u.campaign_id = ? AND u.unit_org_id = k.unit_org_id AND u.category = k.Category
		ORDER BY o.code, k.Category`, campaignID, campaignID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CodeCount
	for rows.Next() {
		var c CodeCount
		if err := rows.Scan(&c.UnitCode, &c.Category, &c.Issued, &c.Used, &c.Ballots); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
