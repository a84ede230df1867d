package web

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// The dashboard says what to do when nothing waits, and warns of a year
// without holidays in the calendar (the features' tasks are tested with
// each feature: appraisal/web/dashboard_test.go).
func TestDashboardTasks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		ctx := context.Background()
		if _, b := f.as("orgadmin").get("/"); !strings.Contains(b, "眼下没有待办的事项") || !strings.Contains(b, "测评活动") {
			t.Errorf("empty dashboard:\n%s", excerpt(b))
		}
		// No holidays in the calendar: the dashboard warns, for this year and next.
		y := strconv.Itoa(time.Now().Year())
		if _, b := f.as("orgadmin").get("/"); !strings.Contains(b, `id="no-holidays-`+y+`"`) || !strings.Contains(b, "尚未导入法定节假日安排") {
			t.Errorf("no warning of a calendar without holidays:\n%s", excerpt(b))
		}
		if _, err := db.ImportCalendar(ctx, []store.CalendarRow{{Line: 2, Date: y + "-10-01", Kind: "holiday", Name: "国庆节"}}, store.CLI); err != nil {
			t.Fatal(err)
		}
		if _, b := f.as("orgadmin").get("/"); strings.Contains(b, `id="no-holidays-`+y+`"`) {
			t.Errorf("a warning for %s, which has a holiday now", y)
		}
		if _, b := f.as("member").get("/"); strings.Contains(b, "no-holidays-") {
			t.Error("a member is warned of the calendar")
		}
	})
}
