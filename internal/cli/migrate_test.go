package cli_test

import (
	"os"
	"strings"
	"testing"
)

// TestMigrateDryRun: on a database that does not exist every migration is
// pending and nothing is created; migrate applies them; then none is
// pending.
func TestMigrateDryRun(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		r := ok(t, dsn, "migrate", "--dry-run")
		if !strings.Contains(r.stdout, "schema version 0; ") || !strings.Contains(r.stdout, "00001 00001_platform.sql") ||
			!strings.Contains(r.stdout, "(Go migration)") {
			t.Fatalf("dry run on a new database: %v", r)
		}
		if path, isFile := strings.CutPrefix(dsn, "sqlite:"); isFile {
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Fatalf("the dry run created the database: %v", err)
			}
		}
		r = ok(t, dsn, "migrate")
		if !strings.Contains(r.stdout, "migrated: schema version ") {
			t.Fatalf("migrate: %v", r)
		}
		r = ok(t, dsn, "migrate", "--dry-run")
		if !strings.Contains(r.stdout, " 0 migration(s) pending") || strings.Contains(r.stdout, "schema version 0;") {
			t.Fatalf("dry run after migrating: %v", r)
		}
	})
}
