package cli_test

import (
	"context"
	"strings"
	"testing"
)

// TestAuditVerify: after imports the chain verifies (exit 0 with the
// count); an entry changed in the table is named (exit 1).
func TestAuditVerify(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		loadBase(t, dsn)
		r := ok(t, dsn, "audit", "verify")
		if !strings.Contains(r.stdout, "audit chain intact: ") || !strings.Contains(r.stdout, "latest hash: ") {
			t.Fatalf("verify: %v", r)
		}
		s := openDB(t, dsn)
		if _, err := s.R().Exec(context.Background(), `UPDATE audit_log SET username = 'nobody' WHERE seq = 1`); err != nil {
			t.Fatal(err)
		}
		s.Close()
		r = pingyi(dsn, "audit", "verify")
		if r.code != 1 || !strings.Contains(r.stderr, "entry seq 1 (id ") || !strings.Contains(r.stderr, "was changed") {
			t.Fatalf("after tampering: %v", r)
		}
	})
}
