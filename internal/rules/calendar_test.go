package rules

import (
	"strings"
	"testing"
	"time"
)

// cal2026 is the State Council's arrangement for 2026 (国务院办公厅关于2026年
// 部分节假日安排的通知, 4 November 2025; docs/calendar/2026.csv): 元旦 1/1–1/3
// off, Sunday 1/4 worked; 春节 2/15–2/23 off, Saturdays 2/14 and 2/28 worked;
// 清明 4/4–4/6; 劳动节 5/1–5/5 off, Saturday 5/9 worked; 端午 6/19–6/21; 中秋
// 9/25–9/27; 国庆 10/1–10/7 off, Sunday 9/20 and Saturday 10/10 worked.
func cal2026() *Calendar {
	var days []CalendarDay
	span := func(from, to string, k DayKind) {
		d, _ := time.Parse(DateLayout, from)
		end, _ := time.Parse(DateLayout, to)
		for ; !d.After(end); d = d.AddDate(0, 0, 1) {
			days = append(days, CalendarDay{Date: d.Format(DateLayout), Kind: k})
		}
	}
	span("2026-01-01", "2026-01-03", Holiday)
	span("2026-01-04", "2026-01-04", Workday)
	span("2026-02-14", "2026-02-14", Workday)
	span("2026-02-15", "2026-02-23", Holiday)
	span("2026-02-28", "2026-02-28", Workday)
	span("2026-04-04", "2026-04-06", Holiday)
	span("2026-05-01", "2026-05-05", Holiday)
	span("2026-05-09", "2026-05-09", Workday)
	span("2026-06-19", "2026-06-21", Holiday)
	span("2026-09-20", "2026-09-20", Workday)
	span("2026-09-25", "2026-09-27", Holiday)
	span("2026-10-01", "2026-10-07", Holiday)
	span("2026-10-10", "2026-10-10", Workday)
	return NewCalendar(days)
}

func day(s string) time.Time {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestIsWorkingDay(t *testing.T) {
	c := cal2026()
	for _, tc := range []struct {
		date string
		want bool
	}{
		{"2026-02-13", true},  // Friday
		{"2026-02-14", true},  // Saturday worked (调休)
		{"2026-02-15", false}, // Sunday, 春节
		{"2026-02-16", false}, // Monday, 春节
		{"2026-02-20", false}, // Friday, 春节
		{"2026-02-23", false}, // Monday, last day of 春节
		{"2026-02-24", true},  // Tuesday
		{"2026-02-28", true},  // Saturday worked
		{"2026-03-01", false}, // Sunday
		{"2026-01-01", false}, // Thursday, 元旦
		{"2026-01-04", true},  // Sunday worked
		{"2026-10-10", true},  // Saturday worked
		{"2026-10-11", false}, // Sunday
		{"2026-03-07", false}, // plain Saturday
		{"2026-03-09", true},  // plain Monday
	} {
		if got := c.IsWorkingDay(day(tc.date)); got != tc.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tc.date, got, tc.want)
		}
	}
	// No calendar: Monday to Friday.
	var none *Calendar
	if !none.IsWorkingDay(day("2026-02-16")) || none.IsWorkingDay(day("2026-02-14")) {
		t.Error("nil calendar is not Monday–Friday")
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := cal2026()
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-02-12", 0, "2026-02-12"},
		{"2026-02-12", 1, "2026-02-13"}, // Thu → Fri
		{"2026-02-12", 2, "2026-02-14"}, // the worked Saturday
		{"2026-02-12", 3, "2026-02-24"}, // over the nine days of 春节
		{"2026-02-12", 5, "2026-02-26"},
		{"2026-02-12", 7, "2026-02-28"}, // the second worked Saturday
		{"2026-02-12", 8, "2026-03-02"},
		{"2026-02-12", 10, "2026-03-04"},
		{"2026-02-14", 1, "2026-02-24"}, // from the worked Saturday
		{"2026-02-15", 1, "2026-02-24"}, // from inside the holiday
		{"2026-02-23", 1, "2026-02-24"},
		{"2025-12-31", 1, "2026-01-04"}, // over 元旦 to the worked Sunday
		{"2025-12-31", 2, "2026-01-05"},
		{"2026-04-03", 1, "2026-04-07"}, // over 清明
		{"2026-04-30", 1, "2026-05-06"}, // over 劳动节
		{"2026-04-30", 4, "2026-05-09"}, // to the worked Saturday
		{"2026-04-30", 5, "2026-05-11"},
		{"2026-09-18", 1, "2026-09-20"}, // Friday → the worked Sunday
		{"2026-09-18", 2, "2026-09-21"},
		{"2026-09-24", 1, "2026-09-28"}, // over 中秋
		{"2026-09-30", 1, "2026-10-08"}, // over 国庆
		{"2026-09-30", 3, "2026-10-10"},
		{"2026-09-30", 4, "2026-10-12"},
		{"2026-03-06", 1, "2026-03-09"}, // a plain weekend
		{"2026-03-07", 1, "2026-03-09"},
	} {
		if got := c.AddWorkingDays(day(tc.from), tc.n).Format(DateLayout); got != tc.want {
			t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
	// The same count without the arrangement lands inside the holiday.
	if got := (*Calendar)(nil).AddWorkingDays(day("2026-02-12"), 3).Format(DateLayout); got != "2026-02-17" {
		t.Errorf("Mon–Fri only: %s, want 2026-02-17", got)
	}
}

func TestWorkingDaysEnd(t *testing.T) {
	c := cal2026()
	sh := time.FixedZone("CST", 8*3600)
	for _, tc := range []struct {
		at   time.Time
		n    int
		want string
	}{
		// Received Thursday afternoon before 春节: 3 working days are Fri 13,
		// Sat 14 and Tue 24; the limit ends at 23:59:59 on the 24th.
		{time.Date(2026, 2, 12, 15, 30, 0, 0, sh), 3, "2026-02-24T23:59:59+08:00"},
		// 18:00 UTC on the 12th is 02:00 on the 13th in Shanghai: the
		// received date is the 13th.
		{time.Date(2026, 2, 12, 18, 0, 0, 0, time.UTC), 3, "2026-02-25T23:59:59+08:00"},
		{time.Date(2026, 9, 30, 9, 0, 0, 0, sh), 10, "2026-10-20T23:59:59+08:00"},
		{time.Date(2026, 2, 15, 10, 0, 0, 0, sh), 1, "2026-02-24T23:59:59+08:00"},
	} {
		if got := c.WorkingDaysEnd(tc.at, tc.n, sh).Format(time.RFC3339); got != tc.want {
			t.Errorf("WorkingDaysEnd(%s, %d) = %s, want %s", tc.at, tc.n, got, tc.want)
		}
	}
}

func TestPeriodEnd(t *testing.T) {
	c := cal2026()
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-02-13", 5, "2026-02-26"}, // 13, 14, 24, 25, 26
		{"2026-02-15", 5, "2026-02-28"}, // starts on the 24th: 24–28
		{"2026-03-09", 1, "2026-03-09"},
		{"2026-03-07", 1, "2026-03-09"},
		{"2026-03-09", 0, "2026-03-09"},
	} {
		if got := c.PeriodEnd(day(tc.from), tc.n).Format(DateLayout); got != tc.want {
			t.Errorf("PeriodEnd(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
}

func TestHasHolidays(t *testing.T) {
	c := cal2026()
	if !c.HasHolidays(2026) || c.HasHolidays(2027) {
		t.Error("HasHolidays 2026/2027")
	}
	only := NewCalendar([]CalendarDay{{Date: "2027-02-06", Kind: Workday}})
	if only.HasHolidays(2027) {
		t.Error("a workday is not a holiday")
	}
	// A date given again takes its new kind.
	re := NewCalendar([]CalendarDay{{Date: "2026-03-09", Kind: Holiday}, {Date: "2026-03-09", Kind: Workday}})
	if !re.IsWorkingDay(day("2026-03-09")) || re.HasHolidays(2026) {
		t.Error("the later kind of a date does not win")
	}
	if len(c.Days()) != 39 || c.Days()[0].Date != "2026-01-01" {
		t.Errorf("Days: %d, first %v", len(c.Days()), c.Days()[0])
	}
}

func TestParseCalendarRow(t *testing.T) {
	d, errs := ParseCalendarRow(" 2026-02-14 ", "workday", " 春节调休 ")
	if errs != nil || d != (CalendarDay{Date: "2026-02-14", Kind: Workday, Name: "春节调休"}) {
		t.Fatalf("good row: %v %v", d, errs)
	}
	for _, tc := range []struct {
		date, kind, name string
		want             string
	}{
		{"", "holiday", "", "date: required"},
		{"2026-2-14", "holiday", "", `date: not a date (YYYY-MM-DD): "2026-2-14"`},
		{"2026-02-30", "holiday", "", `date: not a date (YYYY-MM-DD): "2026-02-30"`},
		{"2026-02-14", "", "", "kind: required"},
		{"2026-02-14", "休", "", `kind: unknown kind "休" (holiday, workday)`},
		{"2026-02-14", "holiday", strings.Repeat("节", 101), "name: too long: 101 characters, at most 100"},
		{"2026-02-14", "holiday", "a\tb", "name: control character U+0009 in the text"},
		{"x", "y", "", `date: not a date (YYYY-MM-DD): "x"|kind: unknown kind "y" (holiday, workday)`},
	} {
		_, errs := ParseCalendarRow(tc.date, tc.kind, tc.name)
		var got []string
		for _, e := range errs {
			got = append(got, e.Error())
		}
		if strings.Join(got, "|") != tc.want {
			t.Errorf("ParseCalendarRow(%q, %q, %q) = %q, want %q", tc.date, tc.kind, tc.name, got, tc.want)
		}
	}
}
