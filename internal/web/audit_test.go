package web

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// The audit log page: translated, named, field by field, in the
// deployment's zone, filtered and paged.
func TestAuditLogPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		ctx := context.Background()
		// 60 changes of one account, at a known time (UTC 2026-03-01 16:30:00
		// is 2026-03-02 00:30:00 in Shanghai).
		u := f.users["inspector"]
		for i := range 60 {
			before := map[string]any{"display_name": "测试inspector", "disabled": false}
			after := map[string]any{"display_name": "督查员" + strconv.Itoa(i), "disabled": false}
			if err := db.Tx(ctx, func(q store.Q) error {
				return store.Audit(ctx, q, store.Actor{UserID: f.users["admin"].ID, Username: "admin"}, "update", "user", u.Username, before, after)
			}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.DB.ExecContext(ctx, db.Rebind(`UPDATE audit_log SET at = ? WHERE entity = 'user' AND action = 'update'`), "2026-03-01T16:30:00Z"); err != nil {
			t.Fatal(err)
		}
		c := f.as("admin")
		st, body := c.get("/audit?entity=user")
		if st != 200 {
			t.Fatalf("audit: %d", st)
		}
		for _, want := range []string{"2026-03-02 00:30:00", "Asia/Shanghai", "修改", "账号", "测试inspector",
			"<b>display_name</b>: <del>测试inspector</del> → <ins>督查员59</ins>", `<option value="user" selected>账号</option>`, "更早的记录"} {
			if !strings.Contains(body, want) {
				t.Errorf("audit page lacks %q\n%s", want, excerpt(body))
			}
		}
		if strings.Contains(body, "<b>disabled</b>") {
			t.Error("an unchanged field is listed")
		}
		if n := strings.Count(body, `<td class="nowrap"`); n != auditPageSize {
			t.Errorf("%d entries on the first page, want %d", n, auditPageSize)
		}
		// The next page: the 10 older ones and the seeding's account creations.
		i := strings.Index(body, `href="/audit?before=`)
		if i < 0 {
			t.Fatal("no link to older entries")
		}
		older := body[i+6 : i+strings.Index(body[i+6:], `"`)+6]
		_, page2 := c.get(strings.ReplaceAll(older, "&amp;", "&"))
		if !strings.Contains(page2, "督查员0") || strings.Contains(page2, "督查员59") || !strings.Contains(page2, "新建") {
			t.Errorf("second page:\n%s", excerpt(page2))
		}
		// Filters by user and by day (in the deployment's zone).
		if _, b := c.get("/audit?entity=user&user=cli"); strings.Contains(b, "督查员") || !strings.Contains(b, "新建") {
			t.Errorf("filter by user:\n%s", excerpt(b))
		}
		if _, b := c.get("/audit?entity=user&from=2026-03-02&to=2026-03-02"); strings.Count(b, "督查员") < auditPageSize {
			t.Errorf("the day in Shanghai holds the changes:\n%s", excerpt(b))
		}
		if _, b := c.get("/audit?entity=user&from=2026-03-01&to=2026-03-01"); strings.Contains(b, "督查员") {
			t.Errorf("the day before in Shanghai holds none:\n%s", excerpt(b))
		}
		// In English.
		c.Lang = "en"
		if _, b := c.get("/audit?entity=user"); !strings.Contains(b, "Changed") || !strings.Contains(b, "Account") {
			t.Errorf("English audit page:\n%s", excerpt(b))
		}
		// One entry whole.
		es, _, err := db.AuditPage(ctx, store.AuditFilter{Entity: "user", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var id string
		for _, e := range es {
			if e.EntityID == "inspector" && id == "" {
				id = strconv.FormatInt(e.ID, 10)
			}
		}
		if st, b := c.get("/audit/" + id); st != 200 || !strings.Contains(b, "&#34;display_name&#34;: &#34;督查员59&#34;") {
			t.Errorf("entry page: %d\n%s", st, b[strings.Index(b, "<main"):])
		}
		if st, _ := c.get("/audit/1"); st != 404 {
			t.Errorf("missing entry: %d", st)
		}
	})
}

func TestAuditChanges(t *testing.T) {
	for _, c := range []struct {
		before, after string
		want          []auditChange
	}{
		{``, `{"name":"甲","n":2}`, []auditChange{{"n", "", "2"}, {"name", "", "甲"}}},
		{`{"name":"甲","n":2}`, `{"name":"乙","n":2}`, []auditChange{{"name", "甲", "乙"}}},
		{`{"a":[1,2],"b":null}`, ``, []auditChange{{"a", "[1,2]", ""}}},
		{`[1]`, `[2]`, []auditChange{{"", "[1]", "[2]"}}},
		{``, ``, nil},
	} {
		got := auditChanges(c.before, c.after)
		if len(got) != len(c.want) {
			t.Errorf("%s → %s: %+v, want %+v", c.before, c.after, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s → %s: %+v, want %+v", c.before, c.after, got, c.want)
			}
		}
	}
}
