package doublereport

import (
	"context"
	"fmt"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

// NeedColumns are the needs file's columns (SPEC §6): required, optional.
var (
	NeedColumns  = []string{"code", "community_code", "kind", "title", "published_on"}
	NeedOptional = []string{"wish_type", "beneficiary"}
	needCols     = []string{"id", "code", "community_id", "kind", "title", "published_on", "wish_type", "beneficiary", "state", "claimer_member_id", "claimer_org_id", "last_on", "events", "updated_at"}
)

// Need is a community's project or micro-wish.
type Need struct {
	ID            int64
	Code          string
	CommunityID   int64
	CommunityCode string
	CommunityName string
	Kind          string // project, wish
	Title         string
	PublishedOn   string
	WishType      string // material, spiritual (wishes)
	Beneficiary   string // personal data: only to those who manage the community
	State         rules.NeedState
	ClaimerMember int64
	ClaimerOrg    int64
	ClaimerCode   string // filled by listings
	ClaimerName   string
	LastOn        string
	Events        int
}

func loadNeeds(ctx context.Context, q store.Q, codes []string) (map[string]*Need, error) {
	out := make(map[string]*Need)
	err := chunks(uniq(codes), 500, func(cs []string) error {
		rows, err := q.Query(ctx, `SELECT n.id, n.code, n.community_id, c.code, n.kind, n.title, n.published_on, n.wish_type, n.beneficiary,
			n.state, n.claimer_member_id, n.claimer_org_id, n.last_on, n.events
			FROM dr_needs n JOIN orgs c ON c.id = n.community_id WHERE n.code IN (`+marks(len(cs))+`)`, anys(cs)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			n := &Need{}
			if err := rows.Scan(&n.ID, &n.Code, &n.CommunityID, &n.CommunityCode, &n.Kind, &n.Title, &n.PublishedOn, &n.WishType, &n.Beneficiary,
				&n.State, &n.ClaimerMember, &n.ClaimerOrg, &n.LastOn, &n.Events); err != nil {
				return err
			}
			out[n.Code] = n
		}
		return rows.Err()
	})
	return out, err
}

// checkNeed checks one need's cells, adding what is wrong to bad.
func checkNeed(bad *pingyi.InputError, line int, n *Need) bool {
	before := len(bad.Errors)
	if n.Code == "" {
		bad.Add(line, "code", "empty code")
	}
	if !rules.ValidNeedKind(n.Kind) {
		bad.Add(line, "kind", "unknown kind %q (project, wish)", n.Kind)
	}
	if n.Title == "" {
		bad.Add(line, "title", "empty title")
	}
	if _, ok := rules.ParseDate(n.PublishedOn); !ok {
		bad.Add(line, "published_on", "not a date (YYYY-MM-DD): %q", n.PublishedOn)
	}
	switch {
	case n.Kind == rules.KindWish && !rules.ValidWishType(n.WishType):
		bad.Add(line, "wish_type", "a wish is material or spiritual, not %q", n.WishType)
	case n.Kind == rules.KindProject && n.WishType != "":
		bad.Add(line, "wish_type", "must be empty for a project")
	}
	return len(bad.Errors) == before
}

// ImportNeeds imports needs, all or nothing. A stored code has its title
// and beneficiary replaced; a row changing anything else of a need that
// has events is refused.
func (d *DR) ImportNeeds(ctx context.Context, file string, rows []tabular.Row, a store.Actor) (Summary, error) {
	var sum Summary
	defer d.changed()
	err := d.S.Tx(ctx, func(q store.Q) error {
		var codes, comms []string
		for _, r := range rows {
			codes = append(codes, tabular.Trim(r.Get("code")))
			comms = append(comms, tabular.Trim(r.Get("community_code")))
		}
		orgs, err := orgsByCode(ctx, q, comms)
		if err != nil {
			return err
		}
		stored, err := loadNeeds(ctx, q, codes)
		if err != nil {
			return err
		}
		bad := &pingyi.InputError{}
		firstLine := make(map[string]int)
		type change struct {
			n   Need
			old *Need
		}
		var changes []change
		for _, r := range rows {
			n := Need{
				Code: tabular.Trim(r.Get("code")), Kind: tabular.Trim(r.Get("kind")), Title: tabular.Trim(r.Get("title")),
				PublishedOn: tabular.Trim(r.Get("published_on")), WishType: tabular.Trim(r.Get("wish_type")),
				Beneficiary: tabular.Trim(r.Get("beneficiary")), CommunityCode: tabular.Trim(r.Get("community_code")),
			}
			ok := checkNeed(bad, r.Line, &n)
			c, found := orgs[n.CommunityCode]
			switch {
			case n.CommunityCode == "":
				bad.Add(r.Line, "community_code", "required")
				ok = false
			case !found:
				bad.Add(r.Line, "community_code", "org %q does not exist", n.CommunityCode)
				ok = false
			case c.Level != rules.LevelCommunity:
				bad.Add(r.Line, "community_code", "org %q is not of level community", n.CommunityCode)
				ok = false
			default:
				n.CommunityID = c.ID
			}
			if n.Code != "" {
				if first, dup := firstLine[n.Code]; dup {
					bad.Add(r.Line, "code", "duplicate code %q (first on line %d)", n.Code, first)
					continue
				}
				firstLine[n.Code] = r.Line
			}
			if !ok {
				continue
			}
			old := stored[n.Code]
			if old != nil && old.Events > 0 {
				for _, f := range []struct{ col, was, now string }{
					{"community_code", old.CommunityCode, n.CommunityCode},
					{"kind", old.Kind, n.Kind},
					{"published_on", old.PublishedOn, n.PublishedOn},
					{"wish_type", old.WishType, n.WishType},
				} {
					if f.was != f.now {
						bad.Add(r.Line, f.col, "need %q has events: only its title and beneficiary may change (%s is %q)", n.Code, f.col, f.was)
						ok = false
					}
				}
			}
			if ok {
				changes = append(changes, change{n, old})
			}
		}
		if err := bad.Err(); err != nil {
			return err
		}
		now := store.Now()
		var inserts [][]any
		for _, c := range changes {
			n := c.n
			if c.old == nil {
				inserts = append(inserts, []any{store.NewID(), n.Code, n.CommunityID, n.Kind, n.Title, n.PublishedOn, n.WishType, n.Beneficiary,
					string(rules.NeedOpen), 0, 0, "", 0, now})
				sum.Created++
				continue
			}
			o := c.old
			if o.CommunityID == n.CommunityID && o.Kind == n.Kind && o.Title == n.Title && o.PublishedOn == n.PublishedOn &&
				o.WishType == n.WishType && o.Beneficiary == n.Beneficiary {
				sum.Unchanged++
				continue
			}
			if _, err := q.Exec(ctx, `UPDATE dr_needs SET community_id = ?, kind = ?, title = ?, published_on = ?, wish_type = ?, beneficiary = ?, updated_at = ?
				WHERE id = ?`, n.CommunityID, n.Kind, n.Title, n.PublishedOn, n.WishType, n.Beneficiary, now, o.ID); err != nil {
				return err
			}
			sum.Updated++
		}
		if err := insertBatch(ctx, q, "dr_needs", needCols, inserts); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "import", "dr_need", file, nil, sum)
	})
	return sum, err
}

// Publish adds one need of a community (a page). The code is made from
// the community's code and the need's id when empty.
func (d *DR) Publish(ctx context.Context, n Need, a store.Actor) (Need, error) {
	defer d.changed()
	err := d.S.Tx(ctx, func(q store.Q) error {
		c, err := d.org(ctx, q, n.CommunityCode)
		if err != nil {
			return err
		}
		if c.Level != rules.LevelCommunity {
			return fmt.Errorf("%w: org %q is not of level community", pingyi.ErrInvalid, n.CommunityCode)
		}
		n.ID = store.NewID()
		if n.Code == "" {
			n.Code = fmt.Sprintf("%s-%d", c.Code, n.ID)
		}
		n.CommunityID = c.ID
		n.State = rules.NeedOpen
		bad := &pingyi.InputError{}
		if !checkNeed(bad, 0, &n) {
			return bad
		}
		var exists int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM dr_needs WHERE code = ?`, n.Code).Scan(&exists); err != nil {
			return err
		}
		if exists > 0 {
			return fmt.Errorf("%w: need %q already exists", pingyi.ErrConflict, n.Code)
		}
		if err := insertBatch(ctx, q, "dr_needs", needCols, [][]any{{n.ID, n.Code, n.CommunityID, n.Kind, n.Title, n.PublishedOn, n.WishType,
			n.Beneficiary, string(rules.NeedOpen), 0, 0, "", 0, store.Now()}}); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "create", "dr_need", n.Code, nil, n)
	})
	return n, err
}

// NeedByCode returns one need.
func (d *DR) NeedByCode(ctx context.Context, code string) (*Need, error) {
	ns, err := d.listNeeds(ctx, `n.code = ?`, []any{code}, "")
	if err != nil {
		return nil, err
	}
	if len(ns) == 0 {
		return nil, fmt.Errorf("need %q: %w", code, pingyi.ErrNotFound)
	}
	return &ns[0], nil
}

// CommunityNeeds lists a community's needs, open ones first, oldest first.
// state "" lists all.
func (d *DR) CommunityNeeds(ctx context.Context, communityID int64, state rules.NeedState) ([]Need, error) {
	where, args := `n.community_id = ?`, []any{communityID}
	if state != "" {
		where += ` AND n.state = ?`
		args = append(args, string(state))
	}
	return d.listNeeds(ctx, where, args, `CASE n.state WHEN 'open' THEN 0 WHEN 'claimed' THEN 1 WHEN 'completed' THEN 2 ELSE 3 END, n.published_on, n.code`)
}

// Unclaimed lists the open needs of the communities of a subtree published
// at least days days before day, oldest first.
func (d *DR) Unclaimed(ctx context.Context, path, day string, days int) ([]Need, error) {
	return d.listNeeds(ctx, `n.state = 'open' AND c.path LIKE ? AND n.published_on <= ?`,
		[]any{subtreeLike(path), rules.AddDays(day, -days)}, `n.published_on, n.code`)
}

func (d *DR) listNeeds(ctx context.Context, where string, args []any, order string) ([]Need, error) {
	if order == "" {
		order = "n.code"
	}
	rows, err := d.S.R().Query(ctx, `SELECT n.id, n.code, n.community_id, c.code, c.name, n.kind, n.title, n.published_on, n.wish_type, n.beneficiary,
		n.state, n.claimer_member_id, n.claimer_org_id, n.last_on, n.events, COALESCE(m.code, co.code, ''), COALESCE(m.name, co.name, '')
		FROM dr_needs n JOIN orgs c ON c.id = n.community_id
		LEFT JOIN members m ON m.id = n.claimer_member_id LEFT JOIN orgs co ON co.id = n.claimer_org_id
		WHERE `+where+` ORDER BY `+order, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Need
	for rows.Next() {
		var n Need
		if err := rows.Scan(&n.ID, &n.Code, &n.CommunityID, &n.CommunityCode, &n.CommunityName, &n.Kind, &n.Title, &n.PublishedOn, &n.WishType, &n.Beneficiary,
			&n.State, &n.ClaimerMember, &n.ClaimerOrg, &n.LastOn, &n.Events, &n.ClaimerCode, &n.ClaimerName); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func needForUpdate(ctx context.Context, q store.Q, code string) (*Need, error) {
	ns, err := loadNeeds(ctx, q, []string{code})
	if err != nil {
		return nil, err
	}
	n := ns[code]
	if n == nil {
		return nil, fmt.Errorf("need %q: %w", code, pingyi.ErrNotFound)
	}
	return n, nil
}

// CommunitySummary is one community with its needs by state and the
// members registered with it on a day.
type CommunitySummary struct {
	Code, Name                         string
	Path                               string
	Open, Claimed, Completed, Confirmd int
	Registered                         int
}

// Communities lists the orgs of level community in a subtree ("" for the
// whole tree), by code, with their needs by state and registrations active
// on day.
func (d *DR) Communities(ctx context.Context, path, day string) ([]CommunitySummary, error) {
	rows, err := d.S.R().Query(ctx, `SELECT c.id, c.code, c.name, c.path FROM orgs c WHERE c.level = 'community' AND c.path LIKE ? ORDER BY c.code`, subtreeLike(path))
	if err != nil {
		return nil, err
	}
	var out []CommunitySummary
	idx := map[int64]int{}
	for rows.Next() {
		var id int64
		var c CommunitySummary
		if err := rows.Scan(&id, &c.Code, &c.Name, &c.Path); err != nil {
			rows.Close()
			return nil, err
		}
		idx[id] = len(out)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	st, err := d.S.R().Query(ctx, `SELECT n.community_id, n.state, COUNT(*) FROM dr_needs n JOIN orgs c ON c.id = n.community_id
		WHERE c.path LIKE ? GROUP BY n.community_id, n.state`, subtreeLike(path))
	if err != nil {
		return nil, err
	}
	for st.Next() {
		var id int64
		var s string
		var n int
		if err := st.Scan(&id, &s, &n); err != nil {
			st.Close()
			return nil, err
		}
		i, ok := idx[id]
		if !ok {
			continue
		}
		switch rules.NeedState(s) {
		case rules.NeedOpen:
			out[i].Open = n
		case rules.NeedClaimed:
			out[i].Claimed = n
		case rules.NeedCompleted:
			out[i].Completed = n
		case rules.NeedConfirmed:
			out[i].Confirmd = n
		}
	}
	st.Close()
	err = d.countBy(ctx, `SELECT r.community_id, COUNT(*) FROM dr_registrations r JOIN orgs c ON c.id = r.community_id
		WHERE c.path LIKE ? AND r.org_id = 0 AND r.registered_on <= ? AND (r.left_on = '' OR r.left_on > ?) GROUP BY r.community_id`,
		[]any{subtreeLike(path), day, day}, func(k, n int64) {
			if i, ok := idx[k]; ok {
				out[i].Registered = int(n)
			}
		})
	return out, err
}

// Registrant is a member registered with a community on a day.
type Registrant struct {
	MemberCode, Name, Phone, OrgCode, OrgName, OrgPath string
	RegisteredOn, Grid, Skills                         string
}

// Registrants lists the members registered with a community on day, by code.
func (d *DR) Registrants(ctx context.Context, communityID int64, day string) ([]Registrant, error) {
	rows, err := d.S.R().Query(ctx, `SELECT m.code, m.name, m.phone, o.code, o.name, o.path, r.registered_on, r.grid, r.skills
		FROM dr_registrations r JOIN members m ON m.id = r.member_id JOIN orgs o ON o.id = m.org_id
		WHERE r.community_id = ? AND r.org_id = 0 AND r.registered_on <= ? AND (r.left_on = '' OR r.left_on > ?) ORDER BY m.code`, communityID, day, day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Registrant
	for rows.Next() {
		var x Registrant
		if err := rows.Scan(&x.MemberCode, &x.Name, &x.Phone, &x.OrgCode, &x.OrgName, &x.OrgPath, &x.RegisteredOn, &x.Grid, &x.Skills); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// CommunityOf returns the org of level community with code.
func (d *DR) CommunityOf(ctx context.Context, code string) (id int64, name, path string, err error) {
	var level string
	err = d.S.R().QueryRow(ctx, `SELECT id, name, path, level FROM orgs WHERE code = ?`, code).Scan(&id, &name, &path, &level)
	if err != nil || level != rules.LevelCommunity {
		return 0, "", "", fmt.Errorf("community %q: %w", code, pingyi.ErrNotFound)
	}
	return id, name, path, nil
}

// Pending counts what waits in a subtree's communities on day: completions
// to confirm, and needs open 30 days or more since they were published.
func (d *DR) Pending(ctx context.Context, path, day string) (toConfirm, openOver30 int, err error) {
	err = d.S.R().QueryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN n.state = 'completed' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN n.state = 'open' AND n.published_on <= ? THEN 1 ELSE 0 END), 0)
		FROM dr_needs n JOIN orgs c ON c.id = n.community_id WHERE c.path LIKE ?`, rules.AddDays(day, -30), subtreeLike(path)).Scan(&toConfirm, &openOver30)
	return toConfirm, openOver30, err
}

// MemberClaimed counts the needs a member has claimed and not completed.
func (d *DR) MemberClaimed(ctx context.Context, memberID int64) (int, error) {
	var n int
	err := d.S.R().QueryRow(ctx, `SELECT COUNT(*) FROM dr_needs WHERE state = 'claimed' AND claimer_member_id = ?`, memberID).Scan(&n)
	return n, err
}
