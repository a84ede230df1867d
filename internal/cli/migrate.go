package cli

import (
	"fmt"

	"github.com/pingyi/pingyi/internal/store"
)

func init() {
	register(command{name: "migrate", args: "[--dry-run]",
		short: "bring the schema up to date (every command and serve do it on start); --dry-run lists what would be applied", run: runMigrate})
}

func runMigrate(e *env, args []string) int {
	fs := newFlags(e, "migrate", "[--dry-run]")
	dry := fs.Bool("dry-run", false, "print the schema version and the pending migrations; change nothing")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if len(pos) > 0 {
		fs.Usage()
		return ExitUsage
	}
	current, pending, err := store.PendingMigrations(e.ctx, e.dsn)
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "schema version %d; %d migration(s) pending\n", current, len(pending))
	for _, m := range pending {
		name := m.Name
		if m.Go || name == "" || name == "." {
			name = "(Go migration)"
		}
		fmt.Fprintf(e.stdout, "  %05d %s\n", m.Version, name)
	}
	if *dry || len(pending) == 0 {
		return ExitOK
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	current, pending, err = store.PendingMigrations(e.ctx, e.dsn)
	if err != nil {
		return fail(e, err)
	}
	if len(pending) > 0 {
		return fail(e, fmt.Errorf("%d migration(s) still pending after migrating", len(pending)))
	}
	fmt.Fprintf(e.stdout, "migrated: schema version %d\n", current)
	return ExitOK
}
