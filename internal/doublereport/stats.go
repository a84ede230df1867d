package doublereport

import (
	"context"
	"fmt"
	"sort"

	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
)

// Period is a span of days, both included.
type Period struct{ From, To string }

// UnitHeader and CommunityHeader are the headers of service stats (§6).
var (
	UnitHeader      = []string{"org_code", "in_service", "registered", "registration_rate", "claims", "cancels", "completed", "hours", "confirmed", "dissatisfied", "satisfaction_rate"}
	CommunityHeader = []string{"community_code", "registered_members", "registered_units", "projects", "wishes", "claimed", "completed", "confirmed", "dissatisfied", "satisfaction_rate", "open_over_30"}
)

// UnitRow is one row of Appendix 1 (by unit).
type UnitRow struct {
	OrgCode      string
	InService    int64
	Registered   int64
	Claims       int64
	Cancels      int64
	Completed    int64
	Hours        int64 // hundredths
	Confirmed    int64
	Dissatisfied int64
}

// Cells are the row as the CSV shows it.
func (r UnitRow) Cells() []string {
	return []string{r.OrgCode, itoa(r.InService), itoa(r.Registered), rules.FormatRate(rules.Rate(r.Registered, r.InService)),
		itoa(r.Claims), itoa(r.Cancels), itoa(r.Completed), rules.FormatCents(r.Hours), itoa(r.Confirmed), itoa(r.Dissatisfied),
		rules.FormatRate(rules.SatisfactionRate(r.Confirmed, r.Dissatisfied))}
}

func (r *UnitRow) add(o UnitRow) {
	r.InService += o.InService
	r.Registered += o.Registered
	r.Claims += o.Claims
	r.Cancels += o.Cancels
	r.Completed += o.Completed
	r.Hours += o.Hours
	r.Confirmed += o.Confirmed
	r.Dissatisfied += o.Dissatisfied
}

// CommunityRow is one row of Appendix 2 (by community).
type CommunityRow struct {
	CommunityCode     string
	RegisteredMembers int64
	RegisteredUnits   int64
	Projects          int64
	Wishes            int64
	Claimed           int64
	Completed         int64
	Confirmed         int64
	Dissatisfied      int64
	OpenOver30        int64
}

// Cells are the row as the CSV shows it.
func (r CommunityRow) Cells() []string {
	return []string{r.CommunityCode, itoa(r.RegisteredMembers), itoa(r.RegisteredUnits), itoa(r.Projects), itoa(r.Wishes),
		itoa(r.Claimed), itoa(r.Completed), itoa(r.Confirmed), itoa(r.Dissatisfied),
		rules.FormatRate(rules.SatisfactionRate(r.Confirmed, r.Dissatisfied)), itoa(r.OpenOver30)}
}

func (r *CommunityRow) add(o CommunityRow) {
	r.RegisteredMembers += o.RegisteredMembers
	r.RegisteredUnits += o.RegisteredUnits
	r.Projects += o.Projects
	r.Wishes += o.Wishes
	r.Claimed += o.Claimed
	r.Completed += o.Completed
	r.Confirmed += o.Confirmed
	r.Dissatisfied += o.Dissatisfied
	r.OpenOver30 += o.OpenOver30
}

func itoa(n int64) string { return fmt.Sprint(n) }

// Scope returns the org of code (its subtree is the scope).
func (d *DR) Scope(ctx context.Context, code string) (orgInfo, error) {
	return d.org(ctx, d.S.R(), code)
}

// eventTotals groups events in the period by a key column and event.
type eventTotals struct {
	n, hours, dissatisfied int64
}

func (d *DR) groupEvents(ctx context.Context, query string, args []any, fn func(key int64, ev string, t eventTotals)) error {
	rows, err := d.S.R().Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k int64
		var ev string
		var t eventTotals
		if err := rows.Scan(&k, &ev, &t.n, &t.hours, &t.dissatisfied); err != nil {
			return err
		}
		fn(k, ev, t)
	}
	return rows.Err()
}

func (d *DR) countBy(ctx context.Context, query string, args []any, fn func(key int64, n int64)) error {
	rows, err := d.S.R().Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k, n int64
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		fn(k, n)
	}
	return rows.Err()
}

func (t *UnitRow) take(ev string, e eventTotals) {
	switch rules.NeedEvent(ev) {
	case rules.EventClaim:
		t.Claims += e.n
	case rules.EventCancel:
		t.Cancels += e.n
	case rules.EventComplete:
		t.Completed += e.n
		t.Hours += e.hours
	case rules.EventConfirm:
		t.Confirmed += e.n
		t.Dissatisfied += e.dissatisfied
	}
}

// StatsByUnit is Appendix 1 for the scope's subtree over the period: one
// row per org with an in-service member of its own or a claim of its own
// in the period, sorted by code, and the TOTAL row.
//
// Each query reads one table through a covering index, grouped as far as
// the database can; members are matched to their orgs here (a city's
// in-service members fit in a map).
func (d *DR) StatsByUnit(ctx context.Context, scopeCode string, p Period) ([]UnitRow, UnitRow, error) {
	total := UnitRow{OrgCode: "TOTAL"}
	scope, err := d.Scope(ctx, scopeCode)
	if err != nil {
		return nil, total, err
	}
	like := subtreeLike(scope.Path)
	codes := make(map[int64]string)
	if err := d.scan(ctx, `SELECT id, code FROM orgs WHERE path LIKE ?`, []any{like}, func(sc func(...any) error) error {
		var id int64
		var c string
		if err := sc(&id, &c); err != nil {
			return err
		}
		codes[id] = c
		return nil
	}); err != nil {
		return nil, total, err
	}
	byOrg := make(map[int64]*UnitRow)
	get := func(id int64) *UnitRow {
		r := byOrg[id]
		if r == nil {
			r = &UnitRow{}
			byOrg[id] = r
		}
		return r
	}
	if d.S.Dialect == store.Postgres {
		// PostgreSQL joins and groups faster than the rows travel.
		if err := d.countBy(ctx, `SELECT m.org_id, COUNT(*) FROM members m JOIN orgs o ON o.id = m.org_id
			WHERE o.path LIKE ? AND m.category = 'in_service' GROUP BY m.org_id`, []any{like},
			func(k, n int64) { get(k).InService = n }); err != nil {
			return nil, total, err
		}
		if err := d.countBy(ctx, `SELECT m.org_id, COUNT(DISTINCT m.id) FROM members m JOIN orgs o ON o.id = m.org_id
			JOIN dr_registrations r ON r.member_id = m.id AND r.org_id = 0
			WHERE o.path LIKE ? AND m.category = 'in_service' AND r.registered_on <= ? AND (r.left_on = '' OR r.left_on > ?)
			GROUP BY m.org_id`, []any{like, p.To, p.To},
			func(k, n int64) { get(k).Registered = n }); err != nil {
			return nil, total, err
		}
		if err := d.groupEvents(ctx, `SELECT m.org_id, e.event, COUNT(*), COALESCE(SUM(e.hours), 0),
			COALESCE(SUM(CASE WHEN e.rating = 'dissatisfied' THEN 1 ELSE 0 END), 0) FROM dr_events e JOIN members m ON m.id = e.member_id
			JOIN orgs o ON o.id = m.org_id
			WHERE o.path LIKE ? AND m.category = 'in_service' AND e.on_date >= ? AND e.on_date <= ? GROUP BY m.org_id, e.event`,
			[]any{like, p.From, p.To}, func(k int64, ev string, t eventTotals) { get(k).take(ev, t) }); err != nil {
			return nil, total, err
		}
	} else if err := d.unitMembersInMemory(ctx, p, codes, get); err != nil {
		return nil, total, err
	}
	ownClaims := make(map[int64]bool)
	if err := d.groupEvents(ctx, `SELECT org_id, `+eventSumsBare+` FROM dr_events
		WHERE member_id = 0 AND org_id <> 0 AND on_date >= ? AND on_date <= ? GROUP BY org_id, event`,
		[]any{p.From, p.To}, func(k int64, ev string, t eventTotals) {
			if _, in := codes[k]; !in {
				return
			}
			get(k).take(ev, t)
			if rules.NeedEvent(ev) == rules.EventClaim && t.n > 0 {
				ownClaims[k] = true
			}
		}); err != nil {
		return nil, total, err
	}
	var out []UnitRow
	for id, r := range byOrg {
		if r.InService == 0 && !ownClaims[id] {
			continue
		}
		r.OrgCode = codes[id]
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OrgCode < out[j].OrgCode })
	for _, r := range out {
		total.add(r)
	}
	return out, total, nil
}

// unitMembersInMemory adds the in-service members' counts of Appendix 1:
// SQLite reads members, registrations and events through covering indexes
// and the members are matched to their orgs here.
func (d *DR) unitMembersInMemory(ctx context.Context, p Period, codes map[int64]string, get func(int64) *UnitRow) error {
	orgOf := make(map[int64]int64) // in-service member → org, in scope
	if err := d.scan(ctx, `SELECT org_id, id FROM members WHERE category = 'in_service'`, nil, func(sc func(...any) error) error {
		var o, m int64
		if err := sc(&o, &m); err != nil {
			return err
		}
		if _, in := codes[o]; in {
			orgOf[m] = o
			get(o).InService++
		}
		return nil
	}); err != nil {
		return err
	}
	seen := make(map[int64]bool)
	if err := d.scan(ctx, `SELECT member_id FROM dr_registrations WHERE org_id = 0 AND registered_on <= ? AND (left_on = '' OR left_on > ?)`,
		[]any{p.To, p.To}, func(sc func(...any) error) error {
			var m int64
			if err := sc(&m); err != nil {
				return err
			}
			if o, ok := orgOf[m]; ok && !seen[m] {
				seen[m] = true
				get(o).Registered++
			}
			return nil
		}); err != nil {
		return err
	}
	if err := d.groupEvents(ctx, `SELECT member_id, `+eventSumsBare+` FROM dr_events
		WHERE member_id <> 0 AND on_date >= ? AND on_date <= ? GROUP BY member_id, event`,
		[]any{p.From, p.To}, func(k int64, ev string, t eventTotals) {
			if o, ok := orgOf[k]; ok {
				get(o).take(ev, t)
			}
		}); err != nil {
		return err
	}
	return nil
}

const eventSumsBare = `event, COUNT(*), COALESCE(SUM(hours), 0), COALESCE(SUM(CASE WHEN rating = 'dissatisfied' THEN 1 ELSE 0 END), 0)`

// scan runs query and calls fn with each row's Scan.
func (d *DR) scan(ctx context.Context, query string, args []any, fn func(func(...any) error) error) error {
	rows, err := d.S.R().Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// codesOf returns the codes of the orgs keyed in m.
func (d *DR) codesOf(ctx context.Context, m map[int64]*UnitRow) (map[int64]string, error) {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	return d.orgCodes(ctx, ids)
}

func (d *DR) orgCodes(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	for len(ids) > 0 {
		n := min(500, len(ids))
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		ids = ids[n:]
		if err := func() error {
			rows, err := d.S.R().Query(ctx, `SELECT id, code FROM orgs WHERE id IN (`+marks(n)+`)`, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				var c string
				if err := rows.Scan(&id, &c); err != nil {
					return err
				}
				out[id] = c
			}
			return rows.Err()
		}(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// StatsByCommunity is Appendix 2 for the scope's subtree over the period:
// one row per org of level community, sorted by code, and the TOTAL row.
func (d *DR) StatsByCommunity(ctx context.Context, scopeCode string, p Period) ([]CommunityRow, CommunityRow, error) {
	total := CommunityRow{CommunityCode: "TOTAL"}
	scope, err := d.Scope(ctx, scopeCode)
	if err != nil {
		return nil, total, err
	}
	like := subtreeLike(scope.Path)
	byID := make(map[int64]*CommunityRow)
	rows, err := d.S.R().Query(ctx, `SELECT id, code FROM orgs WHERE path LIKE ? AND level = 'community'`, like)
	if err != nil {
		return nil, total, err
	}
	for rows.Next() {
		r := &CommunityRow{}
		var id int64
		if err := rows.Scan(&id, &r.CommunityCode); err != nil {
			rows.Close()
			return nil, total, err
		}
		byID[id] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, total, err
	}
	each := func(query string, args []any, set func(r *CommunityRow, n int64)) error {
		return d.countBy(ctx, query, args, func(k, n int64) {
			if r := byID[k]; r != nil {
				set(r, n)
			}
		})
	}
	// Grouped over the whole tree and kept for the scope's communities: one
	// pass over each table.
	steps := []struct {
		q    string
		args []any
		set  func(r *CommunityRow, n int64)
	}{
		{`SELECT community_id, COUNT(DISTINCT member_id) FROM dr_registrations
			WHERE org_id = 0 AND registered_on <= ? AND (left_on = '' OR left_on > ?) GROUP BY community_id`,
			[]any{p.To, p.To}, func(r *CommunityRow, n int64) { r.RegisteredMembers = n }},
		{`SELECT community_id, COUNT(DISTINCT org_id) FROM dr_registrations
			WHERE member_id = 0 AND registered_on <= ? AND (left_on = '' OR left_on > ?) GROUP BY community_id`,
			[]any{p.To, p.To}, func(r *CommunityRow, n int64) { r.RegisteredUnits = n }},
		{`SELECT community_id, COUNT(*) FROM dr_needs WHERE kind = 'project' AND published_on >= ? AND published_on <= ? GROUP BY community_id`,
			[]any{p.From, p.To}, func(r *CommunityRow, n int64) { r.Projects = n }},
		{`SELECT community_id, COUNT(*) FROM dr_needs WHERE kind = 'wish' AND published_on >= ? AND published_on <= ? GROUP BY community_id`,
			[]any{p.From, p.To}, func(r *CommunityRow, n int64) { r.Wishes = n }},
		// Open at the end of the last day: a need whose last event is by
		// then is as it stands now; one with later events is as its ledger
		// was (no event by then, or the last one by then a cancel).
		{`SELECT community_id, COUNT(*) FROM dr_needs WHERE state = 'open' AND last_on <= ? AND published_on <= ? GROUP BY community_id`,
			[]any{p.To, rules.AddDays(p.To, -30)}, func(r *CommunityRow, n int64) { r.OpenOver30 += n }},
		{`SELECT n.community_id, COUNT(*) FROM dr_needs n
			LEFT JOIN dr_events e ON e.need_id = n.id AND e.seq = (SELECT MAX(x.seq) FROM dr_events x WHERE x.need_id = n.id AND x.on_date <= ?)
			WHERE n.last_on > ? AND n.published_on <= ? AND (e.id IS NULL OR e.event = 'cancel') GROUP BY n.community_id`,
			[]any{p.To, p.To, rules.AddDays(p.To, -30)}, func(r *CommunityRow, n int64) { r.OpenOver30 += n }},
	}
	for _, st := range steps {
		if err := each(st.q, st.args, st.set); err != nil {
			return nil, total, err
		}
	}
	// The events of the period per community and kind (the covering index
	// dr_events_date).
	evs, err := d.S.R().Query(ctx, `SELECT community_id, event, COUNT(DISTINCT need_id), COUNT(*),
		COALESCE(SUM(CASE WHEN rating = 'dissatisfied' THEN 1 ELSE 0 END), 0)
		FROM dr_events WHERE on_date >= ? AND on_date <= ? GROUP BY community_id, event`, p.From, p.To)
	if err != nil {
		return nil, total, err
	}
	for evs.Next() {
		var id, distinct, n, dis int64
		var ev string
		if err := evs.Scan(&id, &ev, &distinct, &n, &dis); err != nil {
			evs.Close()
			return nil, total, err
		}
		r := byID[id]
		if r == nil {
			continue
		}
		switch rules.NeedEvent(ev) {
		case rules.EventClaim:
			r.Claimed = distinct
		case rules.EventComplete:
			r.Completed = distinct
		case rules.EventConfirm:
			r.Confirmed, r.Dissatisfied = n, dis
		}
	}
	evs.Close()
	if err := evs.Err(); err != nil {
		return nil, total, err
	}
	out := make([]CommunityRow, 0, len(byID))
	for _, r := range byID {
		out = append(out, *r)
		total.add(*r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CommunityCode < out[j].CommunityCode })
	return out, total, nil
}

// BoardHeader is the header of service board.
var BoardHeader = []string{"rank", "member_code", "completed", "hours", "satisfied"}

// Board ranks the members of the scope's subtree with a complete event in
// the period: completed, hours, then member code; top n (0: all).
func (d *DR) Board(ctx context.Context, scopeCode string, p Period, top int) ([]rules.BoardRow, error) {
	scope, err := d.Scope(ctx, scopeCode)
	if err != nil {
		return nil, err
	}
	rows, err := d.S.R().Query(ctx, `SELECT m.code, x.event, x.n, x.h, x.s FROM
		(SELECT member_id, event, COUNT(*) AS n, COALESCE(SUM(hours), 0) AS h, COALESCE(SUM(CASE WHEN rating = 'satisfied' THEN 1 ELSE 0 END), 0) AS s
		 FROM dr_events WHERE member_id <> 0 AND event IN ('complete', 'confirm') AND on_date >= ? AND on_date <= ? GROUP BY member_id, event) x
		JOIN members m ON m.id = x.member_id JOIN orgs o ON o.id = m.org_id WHERE o.path LIKE ?`, p.From, p.To, subtreeLike(scope.Path))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	by := make(map[string]*rules.BoardRow)
	for rows.Next() {
		var code, ev string
		var n, hours, sat int64
		if err := rows.Scan(&code, &ev, &n, &hours, &sat); err != nil {
			return nil, err
		}
		r := by[code]
		if r == nil {
			r = &rules.BoardRow{MemberCode: code}
			by[code] = r
		}
		if ev == string(rules.EventComplete) {
			r.Completed, r.Hours = n, hours
		} else {
			r.Satisfied = sat
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]rules.BoardRow, 0, len(by))
	for _, r := range by {
		if r.Completed > 0 {
			out = append(out, *r)
		}
	}
	return rules.RankBoard(out, top), nil
}

// BoardCells is one board row as the CSV shows it.
func BoardCells(r rules.BoardRow) []string {
	return []string{fmt.Sprint(r.Rank), r.MemberCode, itoa(r.Completed), rules.FormatCents(r.Hours), itoa(r.Satisfied)}
}

// OrgCodesByID returns the codes of the orgs keyed in m.
func (d *DR) OrgCodesByID(ctx context.Context, m map[int64]string) (map[int64]string, error) {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	return d.orgCodes(ctx, ids)
}
