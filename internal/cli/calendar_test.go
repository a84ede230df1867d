package cli_test

import (
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/cli"
)

// calendarText is the calendar of dsn, a line per marked date.
func calendarText(t *testing.T, dsn string) string {
	t.Helper()
	s := openDB(t, dsn)
	defer s.Close()
	days, err := s.CalendarDays(context.Background(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, d := range days {
		b.WriteString(d.Date + "," + string(d.Kind) + "," + d.Name + "\n")
	}
	return b.String()
}

// docsCalendar is the official 2026 arrangement shipped under docs/.
func docsCalendar(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "docs", "calendar", "2026.csv")
}

func TestCalendarImport(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		r := ok(t, dsn, "calendar", "import", docsCalendar(t))
		if r.stdout != "calendar: 39 added, 0 replaced, 0 unchanged\n" {
			t.Errorf("stdout %q", r.stdout)
		}
		s := openDB(t, dsn)
		c, err := s.Calendar(context.Background())
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		// 10 working days from Wednesday 30 September 2026 (国庆 off 10/1–10/7,
		// Saturday 10/10 worked): 8, 9, 10, 12, 13, 14, 15, 16, 19, 20.
		if got := c.AddWorkingDays(time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC), 10).Format("2006-01-02"); got != "2026-10-20" {
			t.Errorf("10 working days after 9/30: %s", got)
		}
		before := calendarText(t, dsn)

		// Refused: exit 1, each bad line and column named, nothing changed.
		bad := write(t, "bad.csv", "\ufeffdate,kind,name\n2026-12-31,holiday,x\n2026-13-01,holiday,\n2026-12-30,off,\n")
		r = pingyi(dsn, "calendar", "import", bad)
		if r.code != cli.ExitRefused || !hasLineStarting(r.stderr, "line 3, column date") || !hasLineStarting(r.stderr, "line 4, column kind") {
			t.Errorf("bad file: %v", r)
		}
		if strings.Contains(r.stderr, "line 2") {
			t.Errorf("a good line named: %s", r.stderr)
		}
		if calendarText(t, dsn) != before {
			t.Error("a refused import changed the calendar")
		}
		r = pingyi(dsn, "calendar", "import", write(t, "h.csv", "date,type\n2026-12-31,holiday\n"))
		if r.code != cli.ExitRefused || !hasLineStarting(r.stderr, "line 1, column type") || !hasLineStarting(r.stderr, "line 1, column kind") {
			t.Errorf("bad header: %v", r)
		}

		// A date listed again takes its new kind (XLSX as well as CSV).
		x := writeXLSX(t, "c.xlsx", [][]any{{"date", "kind"}, {"2026-10-10", "holiday"}, {"2027-01-01", "holiday"}})
		if r := ok(t, dsn, "calendar", "import", x); r.stdout != "calendar: 1 added, 1 replaced, 0 unchanged\n" {
			t.Errorf("stdout %q", r.stdout)
		}
		after := calendarText(t, dsn)
		if !strings.Contains(after, "2026-10-10,holiday,\n") || !strings.Contains(after, "2027-01-01,holiday,\n") {
			t.Errorf("calendar after re-import:\n%s", after)
		}

		// Usage errors.
		if r := pingyi(dsn, "calendar", "import"); r.code != cli.ExitUsage {
			t.Errorf("no file: %v", r)
		}
	})
}
