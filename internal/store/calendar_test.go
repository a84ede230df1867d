package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

func calendarDump(t *testing.T, s *store.Store) string {
	t.Helper()
	days, err := s.CalendarDays(context.Background(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, d := range days {
		b.WriteString(d.Date + " " + string(d.Kind) + " " + d.Name + "\n")
	}
	return b.String()
}

func TestImportCalendar(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		// 春节 2026: 2/15–2/23 off, Saturdays 2/14 and 2/28 worked.
		rows := []store.CalendarRow{
			{Line: 2, Date: "2026-02-14", Kind: "workday", Name: "春节调休"},
			{Line: 3, Date: "2026-02-16", Kind: "holiday", Name: "春节"},
			{Line: 4, Date: "2026-02-17", Kind: "holiday", Name: "春节"},
			{Line: 5, Date: "2026-02-18", Kind: "holiday"},
			{Line: 6, Date: "2026-02-19", Kind: "holiday", Name: "春节"},
			{Line: 7, Date: "2026-02-20", Kind: "holiday", Name: "春节"},
			{Line: 8, Date: "2026-02-23", Kind: "holiday", Name: "春节"},
			{Line: 9, Date: "2026-02-28", Kind: "workday", Name: "春节调休"},
		}
		st, err := s.ImportCalendar(ctx, rows, store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		if st != (store.CalendarStats{Added: 8}) {
			t.Fatalf("stats %+v", st)
		}
		c, err := s.Calendar(ctx)
		if err != nil {
			t.Fatal(err)
		}
		thu := time.Date(2026, 2, 12, 0, 0, 0, 0, time.UTC)
		if got := c.AddWorkingDays(thu, 3).Format("2006-01-02"); got != "2026-02-24" {
			t.Errorf("3 working days after 2/12: %s, want 2026-02-24", got)
		}
		before := calendarDump(t, s)

		// Refused: nothing changes, every bad line and column named.
		_, err = s.ImportCalendar(ctx, []store.CalendarRow{
			{Line: 2, Date: "2026-03-02", Kind: "holiday"},
			{Line: 3, Date: "2026-02-30", Kind: "holiday"},
			{Line: 4, Date: "2026-03-03", Kind: "休"},
			{Line: 5, Date: "2026-03-02", Kind: "workday"},
			{Line: 6, Date: "", Kind: ""},
		}, store.CLI)
		var ie *pingyi.InputError
		if !errors.As(err, &ie) {
			t.Fatalf("bad file: %v", err)
		}
		var got []string
		for _, fe := range ie.Errors {
			got = append(got, fe.Error())
		}
		want := []string{
			`line 3, column date: not a date (YYYY-MM-DD): "2026-02-30"`,
			`line 4, column kind: unknown kind "休" (holiday, workday)`,
			`line 5, column date: date 2026-03-02 is listed twice (first on line 2)`,
			`line 6, column date: required`,
			`line 6, column kind: required`,
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if after := calendarDump(t, s); after != before {
			t.Errorf("refused import changed the calendar:\n%s", after)
		}

		// A date listed again takes its new kind; same rows are unchanged.
		st, err = s.ImportCalendar(ctx, []store.CalendarRow{
			{Line: 2, Date: "2026-02-28", Kind: "holiday", Name: "改"},
			{Line: 3, Date: "2026-02-16", Kind: "holiday", Name: "春节"},
			{Line: 4, Date: "2026-10-01", Kind: "holiday", Name: "国庆节"},
		}, store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		if st != (store.CalendarStats{Added: 1, Replaced: 1, Unchanged: 1}) {
			t.Errorf("stats %+v", st)
		}
		c, _ = s.Calendar(ctx)
		if c.IsWorkingDay(time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)) {
			t.Error("2/28 should now be a holiday")
		}
		log, err := s.AuditLog(ctx, "calendar_day", "2026-02-28", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != 2 || !strings.Contains(log[0].Before, `"workday"`) || !strings.Contains(log[0].After, `"holiday"`) {
			t.Errorf("audit of 2/28: %+v", log)
		}

		// The page's single-date edits.
		if err := s.SetCalendarDay(ctx, "2027-02-06", "workday", "春节调休", store.CLI); err != nil {
			t.Fatal(err)
		}
		if err := s.SetCalendarDay(ctx, "2027-02-31", "workday", "", store.CLI); !errors.As(err, &ie) {
			t.Errorf("bad date accepted: %v", err)
		}
		if err := s.DeleteCalendarDay(ctx, "2026-10-01", store.CLI); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteCalendarDay(ctx, "2026-10-01", store.CLI); !errors.Is(err, pingyi.ErrNotFound) {
			t.Errorf("second delete: %v", err)
		}
		days, _ := s.CalendarDays(ctx, "2027-01-01", "2027-12-31")
		if len(days) != 1 || days[0].Date != "2027-02-06" {
			t.Errorf("2027: %+v", days)
		}
		c, _ = s.Calendar(ctx)
		if !c.HasHolidays(2026) || c.HasHolidays(2027) {
			t.Error("HasHolidays")
		}
	})
}
