package doublereport

import (
	"context"
	"strconv"
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

// Leaders and leads files (SPEC §6).
var (
	LeaderColumns = []string{"member_code", "title"}
	LeadColumns   = []string{"member_code", "kind", "on"}
	LeadOptional  = []string{"note"}
	LeadsHeader   = []string{"member_code", "planning", "investigation", "opinion", "lecture", "project", "compliant", "missing"}
)

// ImportLeaders records leading cadres (a stored member's title is
// replaced), all or nothing.
func (d *DR) ImportLeaders(ctx context.Context, file string, rows []tabular.Row, a store.Actor) (Summary, error) {
	var sum Summary
	err := d.S.Tx(ctx, func(q store.Q) error {
		var codes []string
		for _, r := range rows {
			codes = append(codes, tabular.Trim(r.Get("member_code")))
		}
		members, err := membersByCode(ctx, q, codes)
		if err != nil {
			return err
		}
		titles := make(map[int64]string)
		trows, err := q.Query(ctx, `SELECT member_id, title FROM dr_leaders`)
		if err != nil {
			return err
		}
		for trows.Next() {
			var id int64
			var t string
			if err := trows.Scan(&id, &t); err != nil {
				trows.Close()
				return err
			}
			titles[id] = t
		}
		trows.Close()
		bad := &pingyi.InputError{}
		first := make(map[string]int)
		type leader struct {
			id    int64
			title string
		}
		var out []leader
		for _, r := range rows {
			code, title := tabular.Trim(r.Get("member_code")), tabular.Trim(r.Get("title"))
			m, ok := members[code]
			switch {
			case code == "":
				bad.Add(r.Line, "member_code", "required")
				continue
			case !ok:
				bad.Add(r.Line, "member_code", "member %q does not exist", code)
				continue
			}
			if l, dup := first[code]; dup {
				bad.Add(r.Line, "member_code", "member %q is already on line %d", code, l)
				continue
			}
			first[code] = r.Line
			if title == "" {
				bad.Add(r.Line, "title", "required")
				continue
			}
			out = append(out, leader{m.ID, title})
		}
		if err := bad.Err(); err != nil {
			return err
		}
		now := store.Now()
		for _, l := range out {
			old, had := titles[l.id]
			switch {
			case !had:
				if _, err := q.Exec(ctx, `INSERT INTO dr_leaders (member_id, title, updated_at) VALUES (?, ?, ?)`, l.id, l.title, now); err != nil {
					return err
				}
				sum.Created++
			case old == l.title:
				sum.Unchanged++
			default:
				if _, err := q.Exec(ctx, `UPDATE dr_leaders SET title = ?, updated_at = ? WHERE member_id = ?`, l.title, now, l.id); err != nil {
					return err
				}
				sum.Updated++
			}
		}
		return store.Audit(ctx, q, a, "import", "dr_leader", file, nil, sum)
	})
	return sum, err
}

// ImportLeads adds leaders' leads (planning, investigation, opinion,
// lecture), all or nothing.
func (d *DR) ImportLeads(ctx context.Context, file string, rows []tabular.Row, a store.Actor) (int, error) {
	n := 0
	err := d.S.Tx(ctx, func(q store.Q) error {
		var codes []string
		for _, r := range rows {
			codes = append(codes, tabular.Trim(r.Get("member_code")))
		}
		members, err := membersByCode(ctx, q, codes)
		if err != nil {
			return err
		}
		leaders := make(map[int64]bool)
		lrows, err := q.Query(ctx, `SELECT member_id FROM dr_leaders`)
		if err != nil {
			return err
		}
		for lrows.Next() {
			var id int64
			if err := lrows.Scan(&id); err != nil {
				lrows.Close()
				return err
			}
			leaders[id] = true
		}
		lrows.Close()
		bad := &pingyi.InputError{}
		var ins [][]any
		for _, r := range rows {
			code, kind, on := tabular.Trim(r.Get("member_code")), tabular.Trim(r.Get("kind")), tabular.Trim(r.Get("on"))
			m, ok := members[code]
			switch {
			case code == "":
				bad.Add(r.Line, "member_code", "required")
			case !ok:
				bad.Add(r.Line, "member_code", "member %q does not exist", code)
			case !leaders[m.ID]:
				bad.Add(r.Line, "member_code", "member %q is not a leader (service import leaders)", code)
			}
			if !rules.ValidLeadKind(kind) {
				bad.Add(r.Line, "kind", "unknown kind %q (planning, investigation, opinion, lecture)", kind)
			}
			if _, valid := rules.ParseDate(on); !valid {
				bad.Add(r.Line, "on", "not a date (YYYY-MM-DD): %q", on)
			}
			ins = append(ins, []any{store.NewID(), m.ID, kind, on, tabular.Trim(r.Get("note"))})
		}
		if err := bad.Err(); err != nil {
			return err
		}
		if err := insertBatch(ctx, q, "dr_leads", []string{"id", "member_id", "kind", "on_date", "note"}, ins); err != nil {
			return err
		}
		n = len(ins)
		return store.Audit(ctx, q, a, "import", "dr_lead", file, nil, map[string]int{"leads": n})
	})
	return n, err
}

// LeadRow is one leader's four leads in a year.
type LeadRow struct {
	MemberCode string
	Counts     map[string]int
	Compliant  bool
	Missing    []string
}

// Cells are the row as the CSV shows it.
func (r LeadRow) Cells() []string {
	out := []string{r.MemberCode}
	for _, k := range rules.LeadKinds {
		out = append(out, strconv.Itoa(r.Counts[k]))
	}
	return append(out, strconv.FormatBool(r.Compliant), strings.Join(r.Missing, ";"))
}

// Leads lists every leader whose org is in the scope's subtree with their
// counts of the year, sorted by member code.
func (d *DR) Leads(ctx context.Context, scopeCode string, year int) ([]LeadRow, error) {
	scope, err := d.Scope(ctx, scopeCode)
	if err != nil {
		return nil, err
	}
	like := subtreeLike(scope.Path)
	from, to := strconv.Itoa(year)+"-01-01", strconv.Itoa(year)+"-12-31"
	by := make(map[string]*LeadRow)
	var order []string
	rows, err := d.S.R().Query(ctx, `SELECT m.code FROM dr_leaders l JOIN members m ON m.id = l.member_id JOIN orgs o ON o.id = m.org_id
		WHERE o.path LIKE ? ORDER BY m.code`, like)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, err
		}
		by[c] = &LeadRow{MemberCode: c, Counts: map[string]int{}}
		order = append(order, c)
	}
	rows.Close()
	add := func(query string) error {
		rows, err := d.S.R().Query(ctx, query, like, from, to)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c, k string
			var n int
			if err := rows.Scan(&c, &k, &n); err != nil {
				return err
			}
			if r := by[c]; r != nil {
				r.Counts[k] += n
			}
		}
		return rows.Err()
	}
	if err := add(`SELECT m.code, ld.kind, COUNT(*) FROM dr_leads ld JOIN dr_leaders l ON l.member_id = ld.member_id
		JOIN members m ON m.id = ld.member_id JOIN orgs o ON o.id = m.org_id
		WHERE o.path LIKE ? AND ld.on_date >= ? AND ld.on_date <= ? GROUP BY m.code, ld.kind`); err != nil {
		return nil, err
	}
	// Completed projects: looked up per leader (the claimer index), never
	// by scanning the period's events.
	ids := make(map[int64]string)
	if err := d.scan(ctx, `SELECT l.member_id, m.code FROM dr_leaders l JOIN members m ON m.id = l.member_id JOIN orgs o ON o.id = m.org_id
		WHERE o.path LIKE ?`, []any{like}, func(sc func(...any) error) error {
		var id int64
		var c string
		if err := sc(&id, &c); err != nil {
			return err
		}
		ids[id] = c
		return nil
	}); err != nil {
		return nil, err
	}
	list := make([]any, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	for len(list) > 0 {
		k := min(500, len(list))
		args := append([]any{from, to}, list[:k]...)
		list = list[k:]
		if err := d.scan(ctx, `SELECT e.member_id, COUNT(*) FROM dr_events e JOIN dr_needs n ON n.id = e.need_id
			WHERE e.event = 'complete' AND e.on_date >= ? AND e.on_date <= ? AND n.kind = 'project' AND e.member_id IN (`+marks(k)+`)
			GROUP BY e.member_id`, args, func(sc func(...any) error) error {
			var id int64
			var n int
			if err := sc(&id, &n); err != nil {
				return err
			}
			if r := by[ids[id]]; r != nil {
				r.Counts["project"] += n
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	out := make([]LeadRow, 0, len(order))
	for _, c := range order {
		r := by[c]
		r.Compliant, r.Missing = rules.LeadsCompliance(r.Counts)
		out = append(out, *r)
	}
	return out, nil
}
