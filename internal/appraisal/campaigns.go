package appraisal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/store"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
)

const campaignCols = `c.id, c.code, c.name, c.year, c.kind, c.scope_org_id, o.code, o.name, o.path, c.target_types, c.scale,
	c.min_mass_share, c.opens, c.closes, c.anonymity, c.publicity_days, c.test_mode, c.phase, c.program, c.created_at`

func scanCampaign(sc interface{ Scan(...any) error }, c *pingyi.Campaign) error {
	var tt string
	var test int
	if err := sc.Scan(&c.ID, &c.Code, &c.Name, &c.Year, &c.Kind, &c.ScopeOrgID, &c.ScopeCode, &c.ScopeName, &c.ScopePath, &tt, &c.Scale,
		&c.MinMassShare, &c.Opens, &c.Closes, &c.Anonymity, &c.PublicityDays, &test, &c.Phase, &c.Program, &c.CreatedAt); err != nil {
		return err
	}
	c.TestMode = test != 0
	c.TargetTypes = nil
	for _, t := range strings.Split(tt, ",") {
		if t != "" {
			c.TargetTypes = append(c.TargetTypes, pingyi.TargetType(t))
		}
	}
	return nil
}

// Campaign returns the campaign with the given code.
func (s *Store) Campaign(ctx context.Context, code string) (*pingyi.Campaign, error) {
	return s.campaignWhere(ctx, s.P(), `c.code = ?`, code)
}

// CampaignByID returns the campaign with the given id.
func (s *Store) CampaignByID(ctx context.Context, id int64) (*pingyi.Campaign, error) {
	return s.campaignWhere(ctx, s.P(), `c.id = ?`, id)
}

func (s *Store) campaignWhere(ctx context.Context, q store.Q, where string, arg any) (*pingyi.Campaign, error) {
	var c pingyi.Campaign
	err := scanCampaign(q.QueryRow(ctx, `SELECT `+campaignCols+` FROM campaigns c JOIN orgs o ON o.id = c.scope_org_id WHERE `+where, arg), &c)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingyi.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Campaigns lists campaigns whose scope lies in the given scope or above
// it (an org admin sees the campaigns that appraise their subtree too),
// newest first.
func (s *Store) Campaigns(ctx context.Context, scope pingyi.Scope) ([]pingyi.Campaign, error) {
	q := `SELECT ` + campaignCols + ` FROM campaigns c JOIN orgs o ON o.id = c.scope_org_id`
	var args []any
	if !scope.All() {
		pred, pargs := s.PathPrefix("o.path", scope.Path)
		q += ` WHERE (` + pred + ` OR ? LIKE o.path || '%')`
		args = append(append(args, pargs...), scope.Path)
	}
	q += ` ORDER BY c.year DESC, c.created_at DESC, c.code`
	rows, err := s.P().Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pingyi.Campaign
	for rows.Next() {
		var c pingyi.Campaign
		if err := scanCampaign(rows, &c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ParseTime accepts an RFC 3339 time, "2006-01-02T15:04" or a date (the
// start of that day in the local zone) and returns it as RFC 3339.
func ParseTime(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t.UTC().Format(time.RFC3339), nil
		}
	}
	return "", fmt.Errorf("not a time: %q (use 2006-01-02 or 2006-01-02T15:04 or RFC 3339)", s)
}

// CampaignState is where a campaign stands in time.
type CampaignState string

const (
	StateNotOpen CampaignState = "not_open"
	StateOpen    CampaignState = "open"
	StateClosed  CampaignState = "closed"
)

// State reports whether c is open at now.
func State(c *pingyi.Campaign, now time.Time) CampaignState {
	if c.Opens != "" {
		if t, err := time.Parse(time.RFC3339, c.Opens); err == nil && now.Before(t) {
			return StateNotOpen
		}
	}
	if c.Closes != "" {
		if t, err := time.Parse(time.RFC3339, c.Closes); err == nil && !now.Before(t) {
			return StateClosed
		}
	}
	return StateOpen
}

// CreateCampaign validates c, stores it with its criteria (seed 002's
// defaults) and snapshots its targets: every org strictly below the
// scope, each such org's secretary, every member of those orgs
// (restricted to c.TargetTypes).
func (s *Store) CreateCampaign(ctx context.Context, c *pingyi.Campaign, a store.Actor) error {
	defer s.invalidateResults()
	bad := &pingyi.InputError{}
	if c.Code == "" {
		bad.Add(0, "code", "empty code")
	}
	if c.Name == "" {
		bad.Add(0, "name", "empty name")
	}
	if !pingyi.ValidKind(string(c.Kind)) {
		bad.Add(0, "kind", "unknown kind %q (mass, regular, year_end, commitment, typical, instant)", c.Kind)
	}
	if c.Scale == 0 {
		c.Scale = 3
	}
	if c.Scale != 3 && c.Scale != 4 {
		bad.Add(0, "scale", "scale must be 3 or 4")
	}
	if len(c.TargetTypes) == 0 {
		c.TargetTypes = []pingyi.TargetType{pingyi.TargetOrg, pingyi.TargetSecretary, pingyi.TargetMember}
	}
	seenTT := map[pingyi.TargetType]bool{}
	for _, t := range c.TargetTypes {
		if !pingyi.ValidTargetType(string(t)) {
			bad.Add(0, "targets", "unknown target type %q (org, secretary, member)", t)
		}
		seenTT[t] = true
	}
	if c.MinMassShare == "" {
		c.MinMassShare = "0.8"
	}
	if _, err := rules.ParseShare(c.MinMassShare); err != nil {
		bad.Add(0, "min-mass-share", "%v", err)
	}
	if c.Year == 0 {
		c.Year = time.Now().Year()
	}
	if c.Year < 2000 || c.Year > 2100 {
		bad.Add(0, "year", "not a plausible year: %d", c.Year)
	}
	if c.Anonymity == 0 {
		c.Anonymity = rules.MinAnonymity
	}
	if c.Anonymity < rules.MinAnonymity || c.Anonymity > rules.MaxAnonymity {
		bad.Add(0, "anonymity", "the anonymity threshold must be between %d and %d", rules.MinAnonymity, rules.MaxAnonymity)
	}
	if c.PublicityDays == 0 {
		c.PublicityDays = 5
	}
	if c.Phase == 0 {
		c.Phase = 1
	}
	if c.Opens != "" && c.Closes != "" && c.Opens >= c.Closes {
		bad.Add(0, "closes", "closes before it opens")
	}
	scope, err := s.Org(ctx, c.ScopeCode)
	if errors.Is(err, pingyi.ErrNotFound) {
		bad.Add(0, "scope", "org %q does not exist", c.ScopeCode)
	} else if err != nil {
		return err
	}
	if err := bad.Err(); err != nil {
		return err
	}
	c.ScopeOrgID, c.ScopeName, c.ScopePath = scope.ID, scope.Name, scope.Path
	c.ID = store.NewID()
	c.CreatedAt = store.Now()
	var tts []string
	for _, t := range []pingyi.TargetType{pingyi.TargetOrg, pingyi.TargetSecretary, pingyi.TargetMember} {
		if seenTT[t] {
			tts = append(tts, string(t))
		}
	}
	c.TargetTypes = nil
	for _, t := range tts {
		c.TargetTypes = append(c.TargetTypes, pingyi.TargetType(t))
	}
	return s.Tx(ctx, func(q store.Q) error {
		_, err := q.Exec(ctx, `INSERT INTO campaigns (id, code, name, year, kind, scope_org_id, target_types, scale, min_mass_share, opens, closes,
			anonymity, publicity_days, test_mode, phase, program, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.Code, c.Name, c.Year, string(c.Kind), c.ScopeOrgID, strings.Join(tts, ","), int(c.Scale), c.MinMassShare, c.Opens, c.Closes,
			c.Anonymity, c.PublicityDays, store.BoolInt(c.TestMode), c.Phase, c.Program, c.CreatedAt)
		if store.IsUniqueViolation(err) {
			bad.Add(0, "code", "campaign %q already exists", c.Code)
			return bad
		}
		if err != nil {
			return err
		}
		var crit [][]any
		for _, t := range c.TargetTypes {
			for i, text := range pingyi.DefaultCriteria[t] {
				crit = append(crit, []any{store.NewID(), c.ID, string(t), "", i + 1, text})
			}
		}
		if len(crit) > 0 {
			if err := store.BatchInsert(ctx, q, "criteria", []string{"id", "campaign_id", "target_type", "domain", "position", "text"}, crit); err != nil {
				return err
			}
		}
		if err := s.snapshotTargets(ctx, q, c, scope); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "create", "campaign", c.Code, nil, c)
	})
}

// snapshotTargets copies the campaign's targets from the tree with one
// INSERT … SELECT per target type, so that nothing of them passes through
// the process (a province's 4 million members took ≈ 2 GB read into
// memory). Their IDs are NewID's, computed in SQL from a block reserved
// for the rows counted first (store.ReserveIDs).
func (s *Store) snapshotTargets(ctx context.Context, q store.Q, c *pingyi.Campaign, scope *pingyi.Org) error {
	want := map[pingyi.TargetType]bool{}
	for _, t := range c.TargetTypes {
		want[t] = true
	}
	pred, pargs := s.PathPrefix("o.path", scope.Path)
	args := append(pargs[:len(pargs):len(pargs)], scope.ID)
	// Each body selects type, code, name, unit, domain.
	var bodies []string
	if want[pingyi.TargetOrg] {
		bodies = append(bodies, `SELECT 'org' AS type, o.code AS code, o.name AS name, o.id AS unit, o.domain AS domain
			FROM orgs o WHERE `+pred+` AND o.id <> ?`)
	}
	if want[pingyi.TargetSecretary] {
		bodies = append(bodies, `SELECT 'secretary' AS type, y.code AS code, y.sec AS name, y.id AS unit, y.domain AS domain FROM (
			SELECT o.code, o.id, o.domain, (SELECT sm.name FROM members sm WHERE sm.org_id = o.id AND sm.is_secretary = 1 LIMIT 1) AS sec
			FROM orgs o WHERE `+pred+` AND o.id <> ?) y WHERE y.sec IS NOT NULL AND y.sec <> ''`)
	}
	if want[pingyi.TargetMember] {
		bodies = append(bodies, `SELECT 'member' AS type, m.code AS code, m.name AS name, o.id AS unit, o.domain AS domain
			FROM members m JOIN orgs o ON o.id = m.org_id WHERE `+pred+` AND o.id <> ?`)
	}
	for _, body := range bodies {
		var n int64
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM (`+body+`) b`, args...).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			continue
		}
		ms, node := store.ReserveIDs(n)
		res, err := q.Exec(ctx, `INSERT INTO targets (id, campaign_id, type, code, name, unit_org_id, domain)
			SELECT `+store.IDExpr("x.rn")+`, CAST(? AS BIGINT), x.type, x.code, x.name, x.unit, x.domain
			FROM (SELECT ROW_NUMBER() OVER () AS rn, b.* FROM (`+body+`) b) x`,
			append([]any{ms, node << 13, c.ID}, args...)...)
		if err != nil {
			return err
		}
		if got, err := res.RowsAffected(); err == nil && got > n {
			// More rows than IDs set aside: the tree grew between the
			// count and the copy (PostgreSQL, READ COMMITTED). Undo.
			return fmt.Errorf("campaign %s: the org tree changed while its targets were copied; create it again", c.Code)
		}
	}
	return nil
}

// Criteria lists a campaign's criteria.
func (s *Store) Criteria(ctx context.Context, campaignID int64) ([]pingyi.Criterion, error) {
	rows, err := s.R().Query(ctx, `SELECT id, target_type, domain, position, text FROM criteria WHERE campaign_id = ? ORDER BY target_type, domain, position`, campaignID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pingyi.Criterion
	for rows.Next() {
		var c pingyi.Criterion
		if err := rows.Scan(&c.ID, &c.TargetType, &c.Domain, &c.Position, &c.Text); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CriteriaFor picks the criteria for one target type and domain: the
// domain's variant when the campaign has one, else the general items.
func CriteriaFor(all []pingyi.Criterion, t pingyi.TargetType, d pingyi.Domain) []string {
	var general, specific []string
	for _, c := range all {
		if c.TargetType != t {
			continue
		}
		switch c.Domain {
		case "":
			general = append(general, c.Text)
		case d:
			specific = append(specific, c.Text)
		}
	}
	if len(specific) > 0 {
		return specific
	}
	return general
}

// SetCriteria replaces the criteria of one target type and domain ("" for
// the general items).
func (s *Store) SetCriteria(ctx context.Context, c *pingyi.Campaign, t pingyi.TargetType, d pingyi.Domain, items []string, a store.Actor) error {
	return s.Tx(ctx, func(q store.Q) error {
		if _, err := q.Exec(ctx, `DELETE FROM criteria WHERE campaign_id = ? AND target_type = ? AND domain = ?`, c.ID, string(t), string(d)); err != nil {
			return err
		}
		n := 0
		for _, it := range items {
			if it = strings.TrimSpace(it); it == "" {
				continue
			}
			n++
			if _, err := q.Exec(ctx, `INSERT INTO criteria (id, campaign_id, target_type, domain, position, text) VALUES (?, ?, ?, ?, ?, ?)`,
				store.NewID(), c.ID, string(t), string(d), n, it); err != nil {
				return err
			}
		}
		return store.Audit(ctx, q, a, "update", "criteria", c.Code+"/"+string(t)+"/"+string(d), nil, items)
	})
}
