package doublereport

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

// Submission kinds: a unit's Appendix 1, a street's Appendix 2.
const (
	SubmitUnit   = "unit"
	SubmitStreet = "street"
)

// Submission is a table as it was submitted: a frozen snapshot.
type Submission struct {
	Kind, OrgCode, Half string
	SubmittedOn         string
	Snapshot            string // CSV
}

// Submit freezes the org's table of the half as it stands (a unit:
// Appendix 1 of its subtree; a street, an org of level street: Appendix
// 2), submitted on day on. A table is submitted once.
func (d *DR) Submit(ctx context.Context, kind, orgCode, half, on string, a store.Actor) (Submission, error) {
	sub := Submission{Kind: kind, OrgCode: orgCode, Half: half, SubmittedOn: on}
	from, to, err := rules.ParseHalf(half)
	if err != nil {
		return sub, fmt.Errorf("%w: %v", pingyi.ErrInvalid, err)
	}
	if _, ok := rules.ParseDate(on); !ok {
		return sub, fmt.Errorf("%w: %q is not a date", pingyi.ErrInvalid, on)
	}
	org, err := d.Scope(ctx, orgCode)
	if err != nil {
		return sub, err
	}
	var buf bytes.Buffer
	cw := tabular.NewCSVWriter(&buf)
	p := Period{From: from, To: to}
	switch kind {
	case SubmitUnit:
		rows, total, err := d.StatsByUnit(ctx, orgCode, p)
		if err != nil {
			return sub, err
		}
		cw.Write(UnitHeader)
		for _, r := range rows {
			cw.Write(r.Cells())
		}
		cw.Write(total.Cells())
	case SubmitStreet:
		if org.Level != rules.LevelStreet {
			return sub, fmt.Errorf("%w: org %q is not of level street", pingyi.ErrInvalid, orgCode)
		}
		rows, total, err := d.StatsByCommunity(ctx, orgCode, p)
		if err != nil {
			return sub, err
		}
		cw.Write(CommunityHeader)
		for _, r := range rows {
			cw.Write(r.Cells())
		}
		cw.Write(total.Cells())
	default:
		return sub, fmt.Errorf("%w: kind %q is unit or street", pingyi.ErrInvalid, kind)
	}
	cw.Flush()
	sub.Snapshot = buf.String()
	err = d.S.Tx(ctx, func(q store.Q) error {
		_, err := q.Exec(ctx, `INSERT INTO dr_submissions (id, kind, org_id, half, submitted_on, submitted_at, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			store.NewID(), kind, org.ID, half, on, store.Now(), sub.Snapshot)
		if store.IsUniqueViolation(err) {
			return fmt.Errorf("%w: the %s table of %s for %s was already submitted", pingyi.ErrConflict, kind, orgCode, half)
		}
		if err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "submit", "dr_submission", kind+"/"+orgCode+"/"+half, nil, map[string]string{"submitted_on": on})
	})
	return sub, err
}

// Submitted returns a submitted table, or pingyi.ErrNotFound.
func (d *DR) Submitted(ctx context.Context, kind, orgCode, half string) (Submission, error) {
	sub := Submission{Kind: kind, OrgCode: orgCode, Half: half}
	err := d.S.R().QueryRow(ctx, `SELECT s.submitted_on, s.snapshot FROM dr_submissions s JOIN orgs o ON o.id = s.org_id
		WHERE s.kind = ? AND o.code = ? AND s.half = ?`, kind, orgCode, half).Scan(&sub.SubmittedOn, &sub.Snapshot)
	if errors.Is(err, sql.ErrNoRows) {
		return sub, fmt.Errorf("submission: %w", pingyi.ErrNotFound)
	}
	return sub, err
}

// DashboardHeader is the header of the district's dashboard.
var DashboardHeader = []string{"kind", "org_code", "due", "remind_on", "submitted_on", "status"}

// DashboardRow is one table expected in a half.
type DashboardRow struct {
	Kind, OrgCode, Due, RemindOn, SubmittedOn, Status string
}

// Cells are the row as the CSV shows it.
func (r DashboardRow) Cells() []string {
	return []string{r.Kind, r.OrgCode, r.Due, r.RemindOn, r.SubmittedOn, r.Status}
}

// Dashboard lists every table due for the half in the scope's subtree —
// each unit with in-service members of its own, each org of level street —
// with its due date, the day to remind (five working days before; working
// days of the calendar working), and its status on day today (on_time,
// late, missing, pending), sorted by kind then code.
func (d *DR) Dashboard(ctx context.Context, scopeCode, half, today string, working func(string) bool) ([]DashboardRow, error) {
	if _, _, err := rules.ParseHalf(half); err != nil {
		return nil, fmt.Errorf("%w: %v", pingyi.ErrInvalid, err)
	}
	year, _ := strconv.Atoi(half[:4])
	h := 1
	if half[4:] == "H2" {
		h = 2
	}
	due := rules.HalfDue(year, h)
	remind := rules.ReminderDay(due, working)
	scope, err := d.Scope(ctx, scopeCode)
	if err != nil {
		return nil, err
	}
	like := subtreeLike(scope.Path)
	submitted := map[string]string{}
	srows, err := d.S.R().Query(ctx, `SELECT s.kind, o.code, s.submitted_on FROM dr_submissions s JOIN orgs o ON o.id = s.org_id
		WHERE s.half = ? AND o.path LIKE ?`, half, like)
	if err != nil {
		return nil, err
	}
	for srows.Next() {
		var k, c, on string
		if err := srows.Scan(&k, &c, &on); err != nil {
			srows.Close()
			return nil, err
		}
		submitted[k+"\x00"+c] = on
	}
	srows.Close()
	var out []DashboardRow
	add := func(kind, query string) error {
		rows, err := d.S.R().Query(ctx, query, like)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				return err
			}
			on := submitted[kind+"\x00"+c]
			out = append(out, DashboardRow{Kind: kind, OrgCode: c, Due: due, RemindOn: remind, SubmittedOn: on, Status: rules.SubmissionStatus(due, on, today)})
		}
		return rows.Err()
	}
	if err := add(SubmitStreet, `SELECT code FROM orgs WHERE path LIKE ? AND level = 'street'`); err != nil {
		return nil, err
	}
	if err := add(SubmitUnit, `SELECT DISTINCT o.code FROM orgs o JOIN members m ON m.org_id = o.id WHERE o.path LIKE ? AND m.category = 'in_service'`); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind // street first
		}
		return out[i].OrgCode < out[j].OrgCode
	})
	return out, nil
}
