package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/tabular"
)

// The working-day calendar (SPEC §7) is platform-wide: one table of marked
// dates (migration 00010), read whole into a rules.Calendar by whoever
// counts working days.

// CalendarColumns are the calendar file's columns (SPEC §6: date,kind[,name]).
var (
	CalendarColumns         = []string{"date", "kind"}
	CalendarOptionalColumns = []string{"name"}
)

// CalendarRow is one line of a calendar file.
type CalendarRow struct {
	Line             int
	Date, Kind, Name string
}

// CalendarRows turns a calendar table into rows for ImportCalendar.
func CalendarRows(t *tabular.Table) []CalendarRow {
	rows := make([]CalendarRow, 0, len(t.Rows))
	for _, r := range t.Rows {
		rows = append(rows, CalendarRow{Line: r.Line, Date: r.Get("date"), Kind: r.Get("kind"), Name: r.Get("name")})
	}
	return rows
}

// CalendarStats counts what an import did.
type CalendarStats struct {
	Added, Replaced, Unchanged int
}

func (c CalendarStats) String() string {
	return fmt.Sprintf("%d added, %d replaced, %d unchanged", c.Added, c.Replaced, c.Unchanged)
}

// Calendar reads the whole calendar.
func (s *Store) Calendar(ctx context.Context) (*rules.Calendar, error) {
	days, err := s.CalendarDays(ctx, "", "")
	if err != nil {
		return nil, err
	}
	return rules.NewCalendar(days), nil
}

// CalendarDays lists the marked dates from..to (inclusive, YYYY-MM-DD; an
// empty bound is open), in date order, with their names.
func (s *Store) CalendarDays(ctx context.Context, from, to string) ([]rules.CalendarDay, error) {
	q := `SELECT day, kind, name FROM calendar_days WHERE 1 = 1`
	var args []any
	if from != "" {
		q += ` AND day >= ?`
		args = append(args, from)
	}
	if to != "" {
		q += ` AND day <= ?`
		args = append(args, to)
	}
	rows, err := s.R().Query(ctx, q+` ORDER BY day`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rules.CalendarDay
	for rows.Next() {
		var d rules.CalendarDay
		if err := rows.Scan(&d.Date, &d.Kind, &d.Name); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ImportCalendar adds and replaces dates (SPEC §6 calendar import): a date
// already stored takes its new kind and name. All or nothing: a bad cell,
// or a date listed twice in the file, refuses the whole file naming each
// line and column. Every date added or changed is audited.
func (s *Store) ImportCalendar(ctx context.Context, rows []CalendarRow, a Actor) (CalendarStats, error) {
	ie := &pingyi.InputError{}
	days := make([]rules.CalendarDay, 0, len(rows))
	first := make(map[string]int, len(rows))
	for _, r := range rows {
		d, errs := rules.ParseCalendarRow(r.Date, r.Kind, r.Name)
		for _, ce := range errs {
			addCellError(ie, r.Line, ce)
		}
		if errs != nil {
			continue
		}
		if l, ok := first[d.Date]; ok {
			ie.Add(r.Line, "date", "date %s is listed twice (first on line %d)", d.Date, l)
			continue
		}
		first[d.Date] = r.Line
		days = append(days, d)
	}
	if err := ie.Err(); err != nil {
		return CalendarStats{}, err
	}
	var st CalendarStats
	err := s.Tx(ctx, func(q Q) error {
		st = CalendarStats{}
		for _, d := range days {
			changed, added, err := putCalendarDay(ctx, q, d, a)
			if err != nil {
				return err
			}
			switch {
			case added:
				st.Added++
			case changed:
				st.Replaced++
			default:
				st.Unchanged++
			}
		}
		return nil
	})
	return st, err
}

// SetCalendarDay marks one date (the administrators' page).
func (s *Store) SetCalendarDay(ctx context.Context, date, kind, name string, a Actor) error {
	d, errs := rules.ParseCalendarRow(date, kind, name)
	if errs != nil {
		ie := &pingyi.InputError{}
		for _, ce := range errs {
			addCellError(ie, 0, ce)
		}
		return ie
	}
	return s.Tx(ctx, func(q Q) error {
		_, _, err := putCalendarDay(ctx, q, d, a)
		return err
	})
}

// DeleteCalendarDay removes the mark of a date: it is again what its
// weekday says. Unknown dates are pingyi.ErrNotFound.
func (s *Store) DeleteCalendarDay(ctx context.Context, date string, a Actor) error {
	return s.Tx(ctx, func(q Q) error {
		var before rules.CalendarDay
		err := q.QueryRow(ctx, `SELECT day, kind, name FROM calendar_days WHERE day = ?`, date).Scan(&before.Date, &before.Kind, &before.Name)
		if errors.Is(err, sql.ErrNoRows) {
			return pingyi.ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `DELETE FROM calendar_days WHERE day = ?`, date); err != nil {
			return err
		}
		return Audit(ctx, q, a, "delete", "calendar_day", date, before, nil)
	})
}

// putCalendarDay stores d, reporting whether it changed anything and
// whether the date is new; changes are audited.
func putCalendarDay(ctx context.Context, q Q, d rules.CalendarDay, a Actor) (changed, added bool, err error) {
	var before rules.CalendarDay
	err = q.QueryRow(ctx, `SELECT day, kind, name FROM calendar_days WHERE day = ?`, d.Date).Scan(&before.Date, &before.Kind, &before.Name)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := q.Exec(ctx, `INSERT INTO calendar_days (day, kind, name, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)`,
			d.Date, string(d.Kind), d.Name, Now(), a.Username); err != nil {
			return false, false, err
		}
		return true, true, Audit(ctx, q, a, "set", "calendar_day", d.Date, nil, d)
	case err != nil:
		return false, false, err
	}
	if before == d {
		return false, false, nil
	}
	if _, err := q.Exec(ctx, `UPDATE calendar_days SET kind = ?, name = ?, updated_at = ?, updated_by = ? WHERE day = ?`,
		string(d.Kind), d.Name, Now(), a.Username, d.Date); err != nil {
		return false, false, err
	}
	return true, false, Audit(ctx, q, a, "set", "calendar_day", d.Date, before, d)
}

// addCellError adds a rule's bad cell to ie (its format is listed in
// internal/i18n/inputerr.go like those given to Add directly).
func addCellError(ie *pingyi.InputError, line int, ce rules.CellError) {
	ie.Add(line, ce.Column, ce.Format, ce.Args...)
}
