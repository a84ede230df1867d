package web_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web/webtest"
)

// The calendar page: the warning for years without holidays, marking and
// removing a date, and the all-or-nothing import, on both databases.
func TestCalendarPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := webtest.New(t, st)
		admin := f.As("admin")
		year := strconv.Itoa(time.Now().Year())
		_, body := admin.Get("/calendar")
		if !strings.Contains(body, `id="calendar-missing"`) || !strings.Contains(body, year) {
			t.Errorf("no warning on an empty calendar: %s", webtest.Excerpt(body))
		}
		// A refused file changes nothing and names line and column.
		stc, body := admin.Upload("/calendar/import", "c.csv", "date,kind,name\n"+year+"-10-01,holiday,国庆节\n"+year+"-13-01,holiday,\n")
		if stc != 422 || !strings.Contains(body, "<td class=\"num\">3</td><td><code>date</code>") {
			t.Errorf("refused import: %d %s", stc, webtest.Excerpt(body))
		}
		if days, _ := st.CalendarDays(context.Background(), "", ""); len(days) != 0 {
			t.Errorf("a refused import stored %d days", len(days))
		}
		stc, body = admin.Upload("/calendar/import", "c.csv", "date,kind,name\n"+year+"-10-01,holiday,国庆节\n"+year+"-10-10,workday,国庆节调休\n")
		if stc != 200 || !strings.Contains(body, `id="calendar-stats"`) || !strings.Contains(body, "国庆节调休") {
			t.Errorf("import: %d %s", stc, webtest.Excerpt(body))
		}
		if strings.Contains(body, "calendar-missing\">"+year) {
			t.Error("still warns for the current year")
		}
		if stc, _ = admin.Post("/calendar", url.Values{"date": {year + "-10-02"}, "kind": {"holiday"}, "name": {"国庆节"}}); stc != 303 {
			t.Errorf("set: %d", stc)
		}
		if stc, _ = admin.Post("/calendar", url.Values{"date": {year + "-10-02"}, "kind": {"off"}}); stc != 422 {
			t.Errorf("bad kind: %d", stc)
		}
		if stc, _ = admin.Post("/calendar", url.Values{"action": {"delete"}, "date": {year + "-10-10"}}); stc != 303 {
			t.Errorf("delete: %d", stc)
		}
		if stc, _ = admin.Post("/calendar", url.Values{"action": {"delete"}, "date": {year + "-10-10"}}); stc != 404 {
			t.Errorf("delete again: %d", stc)
		}
		days, _ := st.CalendarDays(context.Background(), "", "")
		if len(days) != 2 || days[1].Date != year+"-10-02" {
			t.Errorf("days %+v", days)
		}
		// Staff read it, without the forms; English too.
		c := f.As("orgadmin")
		c.Lang = "en"
		if stc, body = c.Get("/calendar"); stc != 200 || strings.Contains(body, `action="/calendar/import"`) || !strings.Contains(body, "Working-day calendar") {
			t.Errorf("orgadmin: %d %s", stc, webtest.Excerpt(body))
		}
	})
}
