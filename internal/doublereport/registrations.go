package doublereport

import (
	"context"
	"fmt"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

// RegistrationColumns are the registrations file's columns (SPEC §6):
// required, then optional.
var (
	RegistrationColumns      = []string{"member_code", "community_code", "registered_on", "left_on"}
	RegistrationOptional     = []string{"grid", "skills"}
	UnitRegistrationColumns  = []string{"org_code", "community_code", "registered_on", "left_on"}
	UnitRegistrationOptional = []string(nil)
	registrationCols         = []string{"id", "member_id", "org_id", "community_id", "registered_on", "left_on", "grid", "skills", "updated_at"}
)

// Registration is one registration with a community.
type Registration struct {
	ID            int64
	MemberID      int64 // exactly one of MemberID, OrgID
	OrgID         int64
	CommunityID   int64
	CommunityCode string
	CommunityName string
	RegisteredOn  string
	LeftOn        string
	Grid          string
	Skills        string
}

func (r Registration) interval() rules.Interval {
	return rules.Interval{From: r.RegisteredOn, To: r.LeftOn}
}

type regKey struct{ member, org int64 }

// storedRegistrations loads every registration of the members (orgs) named.
func storedRegistrations(ctx context.Context, q store.Q, col string, ids []int64) (map[regKey][]Registration, error) {
	out := make(map[regKey][]Registration)
	for len(ids) > 0 {
		n := min(500, len(ids))
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		ids = ids[n:]
		rows, err := q.Query(ctx, `SELECT id, member_id, org_id, community_id, registered_on, left_on, grid, skills FROM dr_registrations
			WHERE `+col+` IN (`+marks(n)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var r Registration
			if err := rows.Scan(&r.ID, &r.MemberID, &r.OrgID, &r.CommunityID, &r.RegisteredOn, &r.LeftOn, &r.Grid, &r.Skills); err != nil {
				rows.Close()
				return nil, err
			}
			k := regKey{r.MemberID, r.OrgID}
			out[k] = append(out[k], r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ImportRegistrations imports members' registrations (units: false) or
// units' (true), all or nothing. A row with the member (org) and
// registered_on of a stored registration replaces it.
func (d *DR) ImportRegistrations(ctx context.Context, file string, units bool, rows []tabular.Row, a store.Actor) (Summary, error) {
	var sum Summary
	whoCol := "member_code"
	if units {
		whoCol = "org_code"
	}
	defer d.changed()
	err := d.S.Tx(ctx, func(q store.Q) error {
		var whoCodes, commCodes []string
		for _, r := range rows {
			whoCodes = append(whoCodes, tabular.Trim(r.Get(whoCol)))
			commCodes = append(commCodes, tabular.Trim(r.Get("community_code")))
		}
		comms, err := orgsByCode(ctx, q, commCodes)
		if err != nil {
			return err
		}
		var members map[string]memberInfo
		var orgs map[string]orgInfo
		var ids []int64
		if units {
			if orgs, err = orgsByCode(ctx, q, whoCodes); err != nil {
				return err
			}
			for _, o := range orgs {
				ids = append(ids, o.ID)
			}
		} else {
			if members, err = membersByCode(ctx, q, whoCodes); err != nil {
				return err
			}
			for _, m := range members {
				ids = append(ids, m.ID)
			}
		}
		col := "member_id"
		if units {
			col = "org_id"
		}
		stored, err := storedRegistrations(ctx, q, col, ids)
		if err != nil {
			return err
		}
		bad := &pingyi.InputError{}
		type fileReg struct {
			line int
			reg  Registration
		}
		var parsed []fileReg
		seen := make(map[regKey]map[string]int) // registered_on → line
		for _, r := range rows {
			var reg Registration
			ok := true
			who := tabular.Trim(r.Get(whoCol))
			if units {
				o, found := orgs[who]
				switch {
				case who == "":
					bad.Add(r.Line, whoCol, "required")
					ok = false
				case !found:
					bad.Add(r.Line, whoCol, "org %q does not exist", who)
					ok = false
				default:
					reg.OrgID = o.ID
				}
			} else {
				m, found := members[who]
				switch {
				case who == "":
					bad.Add(r.Line, whoCol, "required")
					ok = false
				case !found:
					bad.Add(r.Line, whoCol, "member %q does not exist", who)
					ok = false
				case m.Category != string(pingyi.CategoryInService):
					bad.Add(r.Line, whoCol, "member %q is of category %s, not in_service", who, m.Category)
					ok = false
				default:
					reg.MemberID = m.ID
				}
			}
			cc := tabular.Trim(r.Get("community_code"))
			c, found := comms[cc]
			switch {
			case cc == "":
				bad.Add(r.Line, "community_code", "required")
				ok = false
			case !found:
				bad.Add(r.Line, "community_code", "org %q does not exist", cc)
				ok = false
			case c.Level != rules.LevelCommunity:
				bad.Add(r.Line, "community_code", "org %q is not of level community", cc)
				ok = false
			default:
				reg.CommunityID = c.ID
			}
			on := tabular.Trim(r.Get("registered_on"))
			if _, valid := rules.ParseDate(on); !valid {
				bad.Add(r.Line, "registered_on", "not a date (YYYY-MM-DD): %q", on)
				ok = false
			}
			left := tabular.Trim(r.Get("left_on"))
			if left != "" {
				if _, valid := rules.ParseDate(left); !valid {
					bad.Add(r.Line, "left_on", "not a date (YYYY-MM-DD): %q", left)
					ok = false
				} else if ok && left <= on {
					bad.Add(r.Line, "left_on", "must be after registered_on %s", on)
					ok = false
				}
			}
			reg.RegisteredOn, reg.LeftOn = on, left
			reg.Grid, reg.Skills = tabular.Trim(r.Get("grid")), tabular.Trim(r.Get("skills"))
			if !ok {
				continue
			}
			k := regKey{reg.MemberID, reg.OrgID}
			if seen[k] == nil {
				seen[k] = make(map[string]int)
			}
			if first, dup := seen[k][on]; dup {
				bad.Add(r.Line, "registered_on", "%s %q registered on %s is already on line %d", whoCol, who, on, first)
				continue
			}
			seen[k][on] = r.Line
			parsed = append(parsed, fileReg{r.Line, reg})
		}
		// The registrations after the import, per member (org): stored ones
		// replaced by file rows with the same registered_on.
		final := make(map[regKey][]Registration)
		for k, regs := range stored {
			for _, s := range regs {
				if _, replaced := seen[k][s.RegisteredOn]; !replaced {
					final[k] = append(final[k], s)
				}
			}
		}
		for _, p := range parsed {
			k := regKey{p.reg.MemberID, p.reg.OrgID}
			final[k] = append(final[k], p.reg)
		}
		for _, p := range parsed {
			k := regKey{p.reg.MemberID, p.reg.OrgID}
			for _, o := range final[k] {
				if o.RegisteredOn == p.reg.RegisteredOn {
					continue
				}
				if p.reg.interval().Overlaps(o.interval()) {
					left := o.LeftOn
					if left == "" {
						left = "…"
					}
					bad.Add(p.line, "registered_on", "overlaps the registration %s to %s", o.RegisteredOn, left)
					break
				}
			}
		}
		if err := bad.Err(); err != nil {
			return err
		}
		now := store.Now()
		var inserts [][]any
		for _, p := range parsed {
			k := regKey{p.reg.MemberID, p.reg.OrgID}
			var old *Registration
			for i := range stored[k] {
				if stored[k][i].RegisteredOn == p.reg.RegisteredOn {
					old = &stored[k][i]
				}
			}
			r := p.reg
			if old == nil {
				inserts = append(inserts, []any{store.NewID(), r.MemberID, r.OrgID, r.CommunityID, r.RegisteredOn, r.LeftOn, r.Grid, r.Skills, now})
				sum.Created++
				continue
			}
			if old.CommunityID == r.CommunityID && old.LeftOn == r.LeftOn && old.Grid == r.Grid && old.Skills == r.Skills {
				sum.Unchanged++
				continue
			}
			if _, err := q.Exec(ctx, `UPDATE dr_registrations SET community_id = ?, left_on = ?, grid = ?, skills = ?, updated_at = ? WHERE id = ?`,
				r.CommunityID, r.LeftOn, r.Grid, r.Skills, now, old.ID); err != nil {
				return err
			}
			sum.Updated++
		}
		if err := insertBatch(ctx, q, "dr_registrations", registrationCols, inserts); err != nil {
			return err
		}
		entity := "dr_registration"
		if units {
			entity = "dr_unit_registration"
		}
		return store.Audit(ctx, q, a, "import", entity, file, nil, sum)
	})
	return sum, err
}

// Register records a member's registration with a community from today
// (a page): refused for a member not in service, an org not of level
// community, or when it would overlap a registration of theirs.
// A registration still open elsewhere is ended on that day first (one
// community at a time).
func (d *DR) Register(ctx context.Context, memberCode, communityCode, on, grid, skills string, a store.Actor) (Registration, error) {
	var reg Registration
	defer d.changed()
	err := d.S.Tx(ctx, func(q store.Q) error {
		ms, err := membersByCode(ctx, q, []string{memberCode})
		if err != nil {
			return err
		}
		m, ok := ms[memberCode]
		if !ok {
			return fmt.Errorf("member %q: %w", memberCode, pingyi.ErrNotFound)
		}
		if m.Category != string(pingyi.CategoryInService) {
			return fmt.Errorf("%w: member %q is not in service", pingyi.ErrInvalid, memberCode)
		}
		c, err := d.org(ctx, q, communityCode)
		if err != nil {
			return err
		}
		if c.Level != rules.LevelCommunity {
			return fmt.Errorf("%w: org %q is not of level community", pingyi.ErrInvalid, communityCode)
		}
		stored, err := storedRegistrations(ctx, q, "member_id", []int64{m.ID})
		if err != nil {
			return err
		}
		now := store.Now()
		for _, s := range stored[regKey{m.ID, 0}] {
			switch {
			case s.LeftOn == "" && s.RegisteredOn < on:
				if s.CommunityID == c.ID {
					return fmt.Errorf("%w: already registered with this community since %s", pingyi.ErrConflict, s.RegisteredOn)
				}
				if _, err := q.Exec(ctx, `UPDATE dr_registrations SET left_on = ?, updated_at = ? WHERE id = ?`, on, now, s.ID); err != nil {
					return err
				}
				if err := store.Audit(ctx, q, a, "leave", "dr_registration", fmt.Sprint(s.ID), s, map[string]string{"left_on": on}); err != nil {
					return err
				}
			case s.interval().Overlaps(rules.Interval{From: on}):
				return fmt.Errorf("%w: overlaps the registration from %s", pingyi.ErrConflict, s.RegisteredOn)
			}
		}
		reg = Registration{ID: store.NewID(), MemberID: m.ID, CommunityID: c.ID, CommunityCode: c.Code, RegisteredOn: on, Grid: grid, Skills: skills}
		if _, err := q.Exec(ctx, `INSERT INTO dr_registrations (id, member_id, org_id, community_id, registered_on, left_on, grid, skills, updated_at)
			VALUES (?, ?, 0, ?, ?, '', ?, ?, ?)`, reg.ID, m.ID, c.ID, on, grid, skills, now); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "create", "dr_registration", fmt.Sprint(reg.ID), nil, reg)
	})
	return reg, err
}

// MemberRegistrations lists a member's registrations, newest first.
func (d *DR) MemberRegistrations(ctx context.Context, memberID int64) ([]Registration, error) {
	rows, err := d.S.R().Query(ctx, `SELECT r.id, r.member_id, r.org_id, r.community_id, c.code, c.name, r.registered_on, r.left_on, r.grid, r.skills
		FROM dr_registrations r JOIN orgs c ON c.id = r.community_id WHERE r.member_id = ? AND r.org_id = 0 ORDER BY r.registered_on DESC`, memberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Registration
	for rows.Next() {
		var r Registration
		if err := rows.Scan(&r.ID, &r.MemberID, &r.OrgID, &r.CommunityID, &r.CommunityCode, &r.CommunityName, &r.RegisteredOn, &r.LeftOn, &r.Grid, &r.Skills); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// registeredOn reports whether the claimer has a registration with the
// community active on day.
func registeredOn(ctx context.Context, q store.Q, c rules.Claimer, communityID int64, day string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM dr_registrations WHERE member_id = ? AND org_id = ? AND community_id = ?
		AND registered_on <= ? AND (left_on = '' OR left_on > ?)`, c.MemberID, c.OrgID, communityID, day, day).Scan(&n)
	return n > 0, err
}
