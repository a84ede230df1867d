package web

import (
	"context"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// TestDashboardAuditAnchor: the system admin's dashboard shows the audit
// chain's latest hash; other roles' do not.
func TestDashboardAuditAnchor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		ctx := context.Background()
		if err := store.Audit(ctx, db.R(), store.CLI, "update", "org", "V1", nil, nil); err != nil {
			t.Fatal(err)
		}
		admin := f.as("admin") // logging in may write an entry
		h, err := db.AuditHead(ctx)
		if err != nil || h.Hash == "" {
			t.Fatalf("head %+v %v", h, err)
		}
		_, body := admin.get("/")
		if !strings.Contains(body, `id="audit-anchor"`) || !strings.Contains(body, h.Hash) || !strings.Contains(body, "审计日志") {
			t.Errorf("the admin's dashboard lacks the audit anchor %s:\n%s", h.Hash, excerpt(body))
		}
		if _, body := f.as("orgadmin").get("/"); strings.Contains(body, `id="audit-anchor"`) {
			t.Error("an org admin's dashboard shows the audit anchor")
		}
	})
}
