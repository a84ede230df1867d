package rules

import (
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// The working-day calendar (SPEC §7): Monday to Friday, minus the dates
// marked holiday, plus the dates marked workday (调休, weekend days worked
// in exchange for a longer holiday). Every deadline counted in working days
// (publicity, opinions, rectification, reminders) uses one calendar. No
// arrangement is built in: a calendar holds only the dates it was given.

// DayKind is the kind of a calendar date.
type DayKind string

const (
	Holiday DayKind = "holiday" // 放假: not a working day, whatever the weekday
	Workday DayKind = "workday" // 上班 (调休): a working day, whatever the weekday
)

// DateLayout is how calendar dates are written.
const DateLayout = "2006-01-02"

// ParseDayKind parses a calendar kind: holiday or workday (in English, as
// the §6 file writes them).
func ParseDayKind(s string) (DayKind, bool) {
	switch DayKind(strings.TrimSpace(s)) {
	case Holiday:
		return Holiday, true
	case Workday:
		return Workday, true
	}
	return "", false
}

// CalendarDay is one marked date.
type CalendarDay struct {
	Date string // YYYY-MM-DD
	Kind DayKind
	Name string // e.g. 春节; optional
}

// Calendar answers which dates are working days. The zero value (and nil)
// is the bare Monday–Friday week.
type Calendar struct {
	days map[string]DayKind
}

// NewCalendar makes a calendar of the marked days (a date given twice takes
// the later kind).
func NewCalendar(days []CalendarDay) *Calendar {
	c := &Calendar{days: make(map[string]DayKind, len(days))}
	for _, d := range days {
		c.days[d.Date] = d.Kind
	}
	return c
}

// dateKey is the calendar date of t in t's own location.
func dateKey(t time.Time) string { return t.Format(DateLayout) }

// Kind returns the mark of a date, if any.
func (c *Calendar) Kind(d time.Time) (DayKind, bool) {
	if c == nil {
		return "", false
	}
	k, ok := c.days[dateKey(d)]
	return k, ok
}

// IsWorkingDay reports whether the date of d (in d's location) is a
// working day.
func (c *Calendar) IsWorkingDay(d time.Time) bool {
	if k, ok := c.Kind(d); ok {
		return k == Workday
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// midnight is the start of d's date in d's location.
func midnight(d time.Time) time.Time {
	y, m, day := d.Date()
	return time.Date(y, m, day, 0, 0, 0, 0, d.Location())
}

// AddWorkingDays returns the date (at midnight, in d's location) of the
// n-th working day after the date of d; n = 0 is d's date itself. Counting
// starts the day after d, whatever d is: a Saturday plus one working day is
// the Monday (when that Monday works).
func (c *Calendar) AddWorkingDays(d time.Time, n int) time.Time {
	day := midnight(d)
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if c.IsWorkingDay(day) {
			n--
		}
	}
	return day
}

// WorkingDaysEnd is the end of "n working days" from t (SPEC §5): 23:59:59
// of the n-th working day after t's date, dates taken in loc.
func (c *Calendar) WorkingDaysEnd(t time.Time, n int, loc *time.Location) time.Time {
	d := c.AddWorkingDays(t.In(loc), n)
	return d.Add(24*time.Hour - time.Second)
}

// PeriodEnd returns the last date of a period of n working days starting on
// from: from itself counts when it is a working day; when it is not, the
// period starts with the next working day. n ≤ 0 is taken as 1.
func (c *Calendar) PeriodEnd(from time.Time, n int) time.Time {
	if n < 1 {
		n = 1
	}
	if c.IsWorkingDay(from) {
		return c.AddWorkingDays(from, n-1)
	}
	return c.AddWorkingDays(from, n)
}

// HasHolidays reports whether any date of the year is marked holiday (the
// dashboard warns for the current and next year when not).
func (c *Calendar) HasHolidays(year int) bool {
	if c == nil {
		return false
	}
	prefix := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") + "-"
	for d, k := range c.days {
		if k == Holiday && strings.HasPrefix(d, prefix) {
			return true
		}
	}
	return false
}

// Days lists the marked dates in date order (kinds only; names are kept by
// the store).
func (c *Calendar) Days() []CalendarDay {
	if c == nil {
		return nil
	}
	out := make([]CalendarDay, 0, len(c.days))
	for d, k := range c.days {
		out = append(out, CalendarDay{Date: d, Kind: k})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

// MaxDayNameLen bounds a calendar date's name (in characters).
const MaxDayNameLen = 100

// ParseCalendarRow checks one row of a calendar file (SPEC §6: header
// date,kind[,name]; kind holiday|workday) and returns the day or every bad
// cell.
func ParseCalendarRow(date, kind, name string) (CalendarDay, []CellError) {
	var errs []CellError
	date, name = strings.TrimSpace(date), strings.TrimSpace(name)
	if date == "" {
		errs = append(errs, cellError("date", "required"))
	} else if t, err := time.Parse(DateLayout, date); err != nil || t.Format(DateLayout) != date {
		errs = append(errs, cellError("date", "not a date (YYYY-MM-DD): %q", date))
	}
	k, ok := ParseDayKind(kind)
	switch {
	case strings.TrimSpace(kind) == "":
		errs = append(errs, cellError("kind", "required"))
	case !ok:
		errs = append(errs, cellError("kind", "unknown kind %q (holiday, workday)", strings.TrimSpace(kind)))
	}
	switch {
	case !utf8.ValidString(name):
		errs = append(errs, cellError("name", "not valid UTF-8 text"))
	case utf8.RuneCountInString(name) > MaxDayNameLen:
		errs = append(errs, cellError("name", "too long: %d characters, at most %d", utf8.RuneCountInString(name), MaxDayNameLen))
	default:
		for _, r := range name {
			if r < 0x20 || r == 0x7f {
				errs = append(errs, cellError("name", "control character %U in the text", r))
				break
			}
		}
	}
	if errs != nil {
		return CalendarDay{}, errs
	}
	return CalendarDay{Date: date, Kind: k, Name: name}, nil
}
