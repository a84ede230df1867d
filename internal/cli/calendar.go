package cli

import (
	"fmt"

	"github.com/pingyi/pingyi/internal/store"
)

func init() {
	register(command{name: "calendar import", args: "FILE", short: "add or replace working-day calendar dates (header date,kind[,name]; all or nothing)", run: runCalendarImport})
}

func runCalendarImport(e *env, args []string) int {
	path, st := oneFile(e, "calendar import", args)
	if st >= 0 {
		return st
	}
	t, err := readTable(path, store.CalendarColumns, store.CalendarOptionalColumns, false)
	if err != nil {
		return fail(e, err)
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	stats, err := s.ImportCalendar(e.ctx, store.CalendarRows(t), store.CLI)
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "calendar: %s\n", stats)
	return ExitOK
}
