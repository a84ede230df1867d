package doublereport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
)

// LinkageItem is one item of a street's linkage ledger (Annex 3).
type LinkageItem struct {
	ID        int64
	Source    string // unclaimed, problem
	NeedCode  string // unclaimed
	RaisedBy  string // problem: the unit's org code
	Title     string
	Urgent    bool
	Level     string // street, district, city
	State     string // open, answered, closed
	OpenedOn  string
	LastOn    string
	StepCount int
}

// LinkageHeader is the header of service linkage.
var LinkageHeader = []string{"item_id", "source", "need_code", "raised_by", "title", "urgent", "level", "state", "opened_on", "last_on"}

// Cells are the item as the CSV shows it.
func (it LinkageItem) Cells() []string {
	return []string{fmt.Sprint(it.ID), it.Source, it.NeedCode, it.RaisedBy, it.Title, fmt.Sprint(it.Urgent), it.Level, it.State, it.OpenedOn, it.LastOn}
}

func (d *DR) street(ctx context.Context, code string) (orgInfo, error) {
	s, err := d.Scope(ctx, code)
	if err == nil && s.Level != rules.LevelStreet {
		err = fmt.Errorf("%w: org %q is not of level street", pingyi.ErrInvalid, code)
	}
	return s, err
}

func addStep(ctx context.Context, q store.Q, item int64, seq int, on, action, level, note string) error {
	_, err := q.Exec(ctx, `INSERT INTO dr_linkage_steps (id, item_id, seq, on_date, action, level, note) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		store.NewID(), item, seq, on, action, level, note)
	return err
}

// OfferUnclaimed puts into the street's ledger every project of its
// communities still open 30 days after it was published (as of day), once.
func (d *DR) OfferUnclaimed(ctx context.Context, streetCode, day string, a store.Actor) (int, error) {
	st, err := d.street(ctx, streetCode)
	if err != nil {
		return 0, err
	}
	comms, err := d.streetCommunities(ctx, st)
	if err != nil {
		return 0, err
	}
	n := 0
	err = d.S.Tx(ctx, func(q store.Q) error {
		for len(comms) > 0 {
			k := min(500, len(comms))
			args := []any{rules.AddDays(day, -30)}
			for _, id := range comms[:k] {
				args = append(args, id)
			}
			comms = comms[k:]
			type need struct {
				id    int64
				title string
			}
			var due []need
			if err := func() error {
				rows, err := q.Query(ctx, `SELECT n.id, n.title FROM dr_needs n WHERE n.kind = 'project' AND n.state = 'open' AND n.published_on <= ?
					AND n.community_id IN (`+marks(k)+`) AND NOT EXISTS (SELECT 1 FROM dr_linkage_items i WHERE i.need_id = n.id) ORDER BY n.code`, args...)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var x need
					if err := rows.Scan(&x.id, &x.title); err != nil {
						return err
					}
					due = append(due, x)
				}
				return rows.Err()
			}(); err != nil {
				return err
			}
			for _, x := range due {
				id := store.NewID()
				if _, err := q.Exec(ctx, `INSERT INTO dr_linkage_items (id, street_id, source, need_id, raised_by, title, urgent, level, state, opened_on, created_at)
					VALUES (?, ?, 'unclaimed', ?, 0, ?, 0, 'street', 'open', ?, ?)`, id, st.ID, x.id, x.title, day, store.Now()); err != nil {
					return err
				}
				if err := addStep(ctx, q, id, 1, day, "open", rules.LinkStreet, "unclaimed 30 days"); err != nil {
					return err
				}
				n++
			}
		}
		return store.Audit(ctx, q, a, "offer", "dr_linkage", streetCode, nil, map[string]any{"items": n, "as_of": day})
	})
	return n, err
}

// RaiseProblem records a problem a member's unit reports that the street
// cannot solve; an urgent one is raised to the district at once.
func (d *DR) RaiseProblem(ctx context.Context, streetCode, unitCode, title string, urgent bool, on string, a store.Actor) (int64, error) {
	st, err := d.street(ctx, streetCode)
	if err != nil {
		return 0, err
	}
	unit, err := d.Scope(ctx, unitCode)
	if err != nil {
		return 0, err
	}
	if title == "" {
		return 0, fmt.Errorf("%w: empty title", pingyi.ErrInvalid)
	}
	if _, ok := rules.ParseDate(on); !ok {
		return 0, fmt.Errorf("%w: %q is not a date", pingyi.ErrInvalid, on)
	}
	id := store.NewID()
	err = d.S.Tx(ctx, func(q store.Q) error {
		level := rules.LinkStreet
		if urgent {
			level = rules.LinkDistrict
		}
		if _, err := q.Exec(ctx, `INSERT INTO dr_linkage_items (id, street_id, source, need_id, raised_by, title, urgent, level, state, opened_on, created_at)
			VALUES (?, ?, 'problem', 0, ?, ?, ?, ?, 'open', ?, ?)`, id, st.ID, unit.ID, title, store.BoolInt(urgent), level, on, store.Now()); err != nil {
			return err
		}
		if err := addStep(ctx, q, id, 1, on, "open", rules.LinkStreet, ""); err != nil {
			return err
		}
		if urgent {
			if err := addStep(ctx, q, id, 2, on, rules.LinkRaise, rules.LinkDistrict, "urgent: raised at once"); err != nil {
				return err
			}
		}
		return store.Audit(ctx, q, a, "create", "dr_linkage", fmt.Sprint(id), nil, map[string]any{"street": streetCode, "unit": unitCode, "title": title, "urgent": urgent})
	})
	return id, err
}

// LinkageAct takes one dated step on an item: raise, answer or close.
func (d *DR) LinkageAct(ctx context.Context, item int64, action, on, note string, a store.Actor) error {
	return d.S.Tx(ctx, func(q store.Q) error {
		var state, level, last string
		var seq int
		err := q.QueryRow(ctx, `SELECT i.state, i.level, MAX(s.on_date), MAX(s.seq) FROM dr_linkage_items i JOIN dr_linkage_steps s ON s.item_id = i.id
			WHERE i.id = ? GROUP BY i.state, i.level`, item).Scan(&state, &level, &last, &seq)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("linkage item %d: %w", item, pingyi.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, ok := rules.ParseDate(on); !ok {
			return fmt.Errorf("%w: %q is not a date", pingyi.ErrInvalid, on)
		}
		ns, nl, err := rules.LinkageStep(state, level, last, action, on)
		if err != nil {
			return fmt.Errorf("%w: %v", pingyi.ErrInvalid, err)
		}
		res, err := q.Exec(ctx, `UPDATE dr_linkage_items SET state = ?, level = ? WHERE id = ? AND state = ? AND level = ?`, ns, nl, item, state, level)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return fmt.Errorf("%w: the item changed a moment ago", pingyi.ErrConflict)
		}
		if err := addStep(ctx, q, item, seq+1, on, action, nl, note); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, action, "dr_linkage", fmt.Sprint(item), map[string]string{"state": state, "level": level}, map[string]string{"state": ns, "level": nl, "on": on})
	})
}

// Linkage lists a street's ledger, oldest first.
func (d *DR) Linkage(ctx context.Context, streetCode string) ([]LinkageItem, error) {
	st, err := d.street(ctx, streetCode)
	if err != nil {
		return nil, err
	}
	rows, err := d.S.R().Query(ctx, `SELECT i.id, i.source, COALESCE(n.code, ''), COALESCE(u.code, ''), i.title, i.urgent, i.level, i.state, i.opened_on,
		(SELECT MAX(s.on_date) FROM dr_linkage_steps s WHERE s.item_id = i.id), (SELECT COUNT(*) FROM dr_linkage_steps s WHERE s.item_id = i.id)
		FROM dr_linkage_items i LEFT JOIN dr_needs n ON n.id = i.need_id LEFT JOIN orgs u ON u.id = i.raised_by
		WHERE i.street_id = ? ORDER BY i.opened_on, i.id`, st.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LinkageItem
	for rows.Next() {
		var it LinkageItem
		var urgent int
		if err := rows.Scan(&it.ID, &it.Source, &it.NeedCode, &it.RaisedBy, &it.Title, &urgent, &it.Level, &it.State, &it.OpenedOn, &it.LastOn, &it.StepCount); err != nil {
			return nil, err
		}
		it.Urgent = urgent != 0
		out = append(out, it)
	}
	return out, rows.Err()
}
