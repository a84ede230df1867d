package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store/storetest"
)

// TestBackupRestoreCommands: backup -o FILE from either database, restore
// into a new database of the other kind, audit verify passes there; a
// second restore into it is refused and changes nothing.
func TestBackupRestoreCommands(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		loadBase(t, dsn)
		file := filepath.Join(t.TempDir(), "pingyi.backup")
		r := ok(t, dsn, "backup", "-o", file)
		if !strings.Contains(r.stdout, "sha256 ") || !strings.Contains(r.stdout, " rows") {
			t.Fatalf("backup: %v", r)
		}
		if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("backup file: %v %v", fi, err)
		}
		other := storetest.SQLiteDSN(t)
		if strings.HasPrefix(dsn, "sqlite:") {
			other = storetest.PostgresDSN(t)
		}
		r = ok(t, other, "restore", file)
		if !strings.Contains(r.stdout, "restored ") || !strings.Contains(r.stdout, "\norgs ") {
			t.Fatalf("restore: %v", r)
		}
		if r := ok(t, other, "audit", "verify"); !strings.Contains(r.stdout, "audit chain intact: ") {
			t.Fatalf("audit verify after restore: %v", r)
		}
		if state(t, dsn) != state(t, other) {
			t.Error("the restored database differs from its source")
		}
		before := dump(t, other)
		r = pingyi(other, "restore", file)
		if r.code != 1 || !strings.Contains(r.stderr, "not empty") || !strings.Contains(r.stderr, "nothing was changed") {
			t.Fatalf("restore into a non-empty database: %v", r)
		}
		if dump(t, other) != before {
			t.Error("a refused restore changed the database")
		}
		if r := pingyi(dsn, "backup"); r.code != 2 {
			t.Errorf("backup without -o: %v", r)
		}
		if r := pingyi(dsn, "restore"); r.code != 2 {
			t.Errorf("restore without a file: %v", r)
		}
	})
}
