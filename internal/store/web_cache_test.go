package store_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// storedExpiry reads a session's expiry as the database holds it.
func storedExpiry(t *testing.T, s *store.Store, token string) (int64, bool) {
	t.Helper()
	var exp int64
	err := s.R().QueryRow(context.Background(), `SELECT expiry FROM sessions WHERE token = ?`, token).Scan(&exp)
	if err != nil {
		return 0, false
	}
	return exp, true
}

// Sessions are cached in front of the database: found without a read,
// an unchanged session's idle extension is not written until it moves by
// more than a minute, a deleted or expired one is gone at once, and one
// deleted in the database by another process is gone after the recheck.
func TestSessionCache(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ss := store.SessionStore{S: s}
		now := time.Now()
		if err := ss.CommitCtx(ctx, "tok", []byte("data"), now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		first, ok := storedExpiry(t, s, "tok")
		if !ok || first != now.Add(time.Hour).Unix() {
			t.Fatalf("stored expiry %d, %v", first, ok)
		}
		// Only the idle timeout moved (by less than the slack): no write.
		if err := ss.CommitCtx(ctx, "tok", []byte("data"), now.Add(time.Hour+30*time.Second)); err != nil {
			t.Fatal(err)
		}
		if exp, _ := storedExpiry(t, s, "tok"); exp != first {
			t.Errorf("idle extension of 30 s written: %d, want %d", exp, first)
		}
		// Moved by more: written.
		if err := ss.CommitCtx(ctx, "tok", []byte("data"), now.Add(time.Hour+2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if exp, _ := storedExpiry(t, s, "tok"); exp != now.Add(time.Hour+2*time.Minute).Unix() {
			t.Errorf("idle extension of 2 min not written: %d", exp)
		}
		// Changed data: written at once.
		if err := ss.CommitCtx(ctx, "tok", []byte("data2"), now.Add(time.Hour+2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		var data []byte
		if err := s.R().QueryRow(ctx, `SELECT data FROM sessions WHERE token = ?`, "tok").Scan(&data); err != nil || string(data) != "data2" {
			t.Errorf("changed data not written: %q, %v", data, err)
		}
		if b, found, err := ss.FindCtx(ctx, "tok"); err != nil || !found || string(b) != "data2" {
			t.Fatalf("find: %q %v %v", b, found, err)
		}

		// Logout: gone from the cache and the database.
		if err := ss.DeleteCtx(ctx, "tok"); err != nil {
			t.Fatal(err)
		}
		if _, found, _ := ss.FindCtx(ctx, "tok"); found {
			t.Error("deleted session found")
		}
		if _, ok := storedExpiry(t, s, "tok"); ok {
			t.Error("deleted session still in the database")
		}

		// Expired: not found though cached.
		if err := ss.CommitCtx(ctx, "old", []byte("x"), time.Now().Add(1500*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if _, found, _ := ss.FindCtx(ctx, "old"); !found {
			t.Fatal("fresh session not found")
		}
		time.Sleep(2100 * time.Millisecond)
		if _, found, _ := ss.FindCtx(ctx, "old"); found {
			t.Error("expired session found")
		}

		// Deleted by another process: gone after the recheck.
		defer store.SetWebCacheTimesForTest(30*time.Second, 2*time.Second, 200*time.Millisecond)()
		if err := ss.CommitCtx(ctx, "other", []byte("y"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.R().Exec(ctx, `DELETE FROM sessions WHERE token = ?`, "other"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		if _, found, _ := ss.FindCtx(ctx, "other"); found {
			t.Error("session deleted in the database still found after the recheck")
		}

		// Survives a restart: a new Store on the same database finds it.
		if err := ss.CommitCtx(ctx, "keep", []byte("z"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		s2, err := store.Open(ctx, s.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		if b, found, err := (store.SessionStore{S: s2}).FindCtx(ctx, "keep"); err != nil || !found || string(b) != "z" {
			t.Errorf("after a restart: %q %v %v", b, found, err)
		}
	})
}

// The account of a session is cached; a change made in this process shows
// at once, one made by another process after userTTL.
func TestSessionUserCache(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		workflowSeed(t, s, false)
		b, err := s.Org(ctx, "B")
		if err != nil {
			t.Fatal(err)
		}
		u := &pingyi.User{Username: "u", Role: pingyi.RoleOrgAdmin, OrgID: b.ID, PasswordHash: "h1"}
		if err := s.CreateUser(ctx, u, store.CLI); err != nil {
			t.Fatal(err)
		}
		got, err := s.SessionUser(ctx, u.ID)
		if err != nil || got.Role != pingyi.RoleOrgAdmin || got.OrgPath != b.Path {
			t.Fatalf("SessionUser: %+v, %v", got, err)
		}
		got.Role = pingyi.RoleAdmin // the caller's copy
		if again, _ := s.SessionUser(ctx, u.ID); again.Role != pingyi.RoleOrgAdmin {
			t.Fatal("a caller changed the cached account")
		}

		// Role change and disabling in this process: at once.
		u.Role = pingyi.RoleInspector
		if err := s.UpdateUser(ctx, u, store.CLI); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.SessionUser(ctx, u.ID); got.Role != pingyi.RoleInspector {
			t.Errorf("after the role change: %s", got.Role)
		}
		u.Disabled = true
		if err := s.UpdateUser(ctx, u, store.CLI); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.SessionUser(ctx, u.ID); !got.Disabled {
			t.Error("disabled account still enabled in the cache")
		}

		// The account's org moves (an org import): its scope path follows
		// at once.
		if _, err := s.ImportOrgs(ctx, []store.OrgRow{
			{Line: 2, Code: "D", Name: "某街道党工委", Type: "committee", Domain: "community"},
			{Line: 3, Code: "W", Name: "行政服务中心党支部", Type: "branch", Domain: "agency", ParentCode: "D", WindowUnit: "true"},
			{Line: 4, Code: "B", Name: "社区党支部", Type: "branch", Domain: "community", ParentCode: "W"},
		}, store.CLI); err != nil {
			t.Fatal(err)
		}
		moved, _ := s.Org(ctx, "B")
		if moved.Path == b.Path {
			t.Fatal("the import did not move B")
		}
		if got, _ := s.SessionUser(ctx, u.ID); got.OrgPath != moved.Path {
			t.Errorf("scope after the move: %s, want %s", got.OrgPath, moved.Path)
		}

		// Another process (a second Store) changes the password: seen
		// after userTTL.
		defer store.SetWebCacheTimesForTest(30*time.Second, 200*time.Millisecond, 10*time.Second)()
		s2, err := store.Open(ctx, s.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		s.SessionUser(ctx, u.ID)
		u.PasswordHash = "h2"
		if err := s2.UpdateUser(ctx, u, store.CLI); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		if got, _ := s.SessionUser(ctx, u.ID); got.PasswordHash != "h2" {
			t.Error("a password changed by another process is not seen after userTTL")
		}
	})
}

// The tree summary (member counts of the tree and dashboard pages) shows
// an import of this process at once, and one of another process after
// treeTTL, reloaded in the background.
func TestTreeSummaryInvalidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		workflowSeed(t, s, false)
		d, _ := s.Org(ctx, "D")
		b, _ := s.Org(ctx, "B")
		check := func(when string, orgs, members, inB int) {
			t.Helper()
			no, nm, err := s.SubtreeCounts(ctx, "")
			if err != nil || no != orgs || nm != members {
				t.Errorf("%s: whole tree %d orgs, %d members (%v); want %d, %d", when, no, nm, err, orgs, members)
			}
			no, nm, _ = s.SubtreeCounts(ctx, d.Path)
			if no != orgs || nm != members {
				t.Errorf("%s: D %d orgs, %d members; want %d, %d", when, no, nm, orgs, members)
			}
			counts, _ := s.SubtreeMemberCounts(ctx, []string{b.Path, d.Path})
			if counts[b.Path] != inB || counts[d.Path] != members {
				t.Errorf("%s: counts %v; want B %d, D %d", when, counts, inB, members)
			}
		}
		check("seeded", 3, 2, 1)
		if _, err := s.ImportMembers(ctx, []store.MemberRow{
			{Line: 2, Code: "M3", Name: "李娜", OrgCode: "B", Category: "in_service"},
		}, store.CLI); err != nil {
			t.Fatal(err)
		}
		check("after a member import", 3, 3, 2)
		if _, err := s.ImportOrgs(ctx, []store.OrgRow{
			{Line: 2, Code: "B2", Name: "第二支部", Type: "branch", Domain: "community", ParentCode: "D"},
		}, store.CLI); err != nil {
			t.Fatal(err)
		}
		check("after an org import", 4, 3, 2)
		if n, _, _ := s.SubtreeCounts(ctx, "/nothing/"); n != 0 {
			t.Errorf("a scope matching nothing counts %d orgs", n)
		}

		// Another process imports: the old counts until treeTTL, then the
		// new ones (the first request after it still gets the old ones
		// while the new load runs).
		defer store.SetWebCacheTimesForTest(300*time.Millisecond, 2*time.Second, 10*time.Second)()
		s2, err := store.Open(ctx, s.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		if _, err := s2.ImportMembers(ctx, []store.MemberRow{
			{Line: 2, Code: "M4", Name: "王芳", OrgCode: "B", Category: "in_service"},
		}, store.CLI); err != nil {
			t.Fatal(err)
		}
		check("another process imported, within treeTTL", 4, 3, 2)
		time.Sleep(400 * time.Millisecond)
		deadline := time.Now().Add(5 * time.Second)
		for {
			_, nm, _ := s.SubtreeCounts(ctx, "")
			if nm == 4 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("another process's import not seen after treeTTL: %d members", nm)
			}
			time.Sleep(20 * time.Millisecond)
		}
		check("another process imported, after treeTTL", 4, 4, 3)
	})
}

// TestTreeChildrenInvalidation: the tree rows (TreeChildren) follow the
// imports of this process at once — an org added, moved out of a parent,
// members counted — keep to the scope, and follow another process's
// imports within childrenTTL.
func TestTreeChildrenInvalidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		workflowSeed(t, s, false)
		d, _ := s.Org(ctx, "D")
		b, _ := s.Org(ctx, "B")
		all := pingyi.Scope{}
		codes := func(scope pingyi.Scope, parent int64) string {
			t.Helper()
			kids, err := s.TreeChildren(ctx, scope, parent)
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.Children(ctx, scope, parent)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for i, k := range kids {
				out = append(out, fmt.Sprintf("%s:%d/%d", k.Code, k.MemberCount, k.ChildCount))
				if i < len(want) && !reflect.DeepEqual(k, want[i]) {
					t.Errorf("TreeChildren row %+v, Children %+v", k, want[i])
				}
			}
			kids2, _ := s.TreeChildren(ctx, scope, parent)
			if len(kids2) > 0 {
				kids2[0].Name = "changed by a caller" // the caller's own copy
			}
			return strings.Join(out, " ")
		}
		before := codes(all, d.ID)
		if got := codes(all, 0); !strings.HasPrefix(got, "D:") {
			t.Errorf("roots %q", got)
		}
		if got := codes(pingyi.Scope{Path: b.Path}, 0); !strings.HasPrefix(got, "B:") || strings.Contains(got, "D:") {
			t.Errorf("roots of B's scope %q", got)
		}
		if got := codes(pingyi.Scope{Path: b.Path}, d.ID); !strings.HasPrefix(got, "B:") || strings.Contains(got, " ") {
			t.Errorf("D's children in B's scope (B alone): %q", got)
		}
		if _, err := s.ImportOrgs(ctx, []store.OrgRow{
			{Line: 2, Code: "B2", Name: "第二支部", Type: "branch", Domain: "community", ParentCode: "D"},
		}, store.CLI); err != nil {
			t.Fatal(err)
		}
		after := codes(all, d.ID)
		if after == before || !strings.Contains(after, "B2:0/0") {
			t.Errorf("after an org import: %q (before %q)", after, before)
		}
		if _, err := s.ImportMembers(ctx, []store.MemberRow{
			{Line: 2, Code: "M3", Name: "李娜", OrgCode: "B2", Category: "in_service"},
		}, store.CLI); err != nil {
			t.Fatal(err)
		}
		if got := codes(all, d.ID); !strings.Contains(got, "B2:1/0") {
			t.Errorf("after a member import: %q", got)
		}
		if _, err := s.ImportOrgs(ctx, []store.OrgRow{
			{Line: 2, Code: "B2", Name: "第二支部", Type: "branch", Domain: "community", ParentCode: "B"},
		}, store.CLI); err != nil {
			t.Fatal(err)
		}
		if got := codes(all, d.ID); strings.Contains(got, "B2") {
			t.Errorf("B2 moved under B is still D's child: %q", got)
		}
		if got := codes(pingyi.Scope{Path: b.Path}, b.ID); !strings.Contains(got, "B2:1/0") {
			t.Errorf("B2 moved under B is not B's child in B's scope: %q", got)
		}

		// Another process: the old rows until childrenTTL, then the new.
		defer store.SetWebCacheTimesForTest(30*time.Second, 300*time.Millisecond, 10*time.Second)()
		codes(all, b.ID)
		s2, err := store.Open(ctx, s.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		if _, err := s2.ImportOrgs(ctx, []store.OrgRow{
			{Line: 2, Code: "B2", Name: "第二支部", Type: "branch", Domain: "community", ParentCode: "D"},
		}, store.CLI); err != nil {
			t.Fatal(err)
		}
		kids, _ := s.TreeChildren(ctx, all, b.ID)
		if len(kids) != 1 || kids[0].Code != "B2" {
			t.Errorf("another process moved B2, within childrenTTL: %+v", kids)
		}
		time.Sleep(400 * time.Millisecond)
		if kids, _ := s.TreeChildren(ctx, all, b.ID); len(kids) != 0 {
			t.Errorf("another process moved B2, after childrenTTL: still %+v", kids)
		}
	})
}

// workflowSeed is the small tree of these tests: a street committee D with
// a window unit W and a branch B, one member each.
func workflowSeed(t *testing.T, s *store.Store, _ bool) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.ImportOrgs(ctx, []store.OrgRow{
		{Line: 2, Code: "D", Name: "某街道党工委", Type: "committee", Domain: "community"},
		{Line: 3, Code: "W", Name: "行政服务中心党支部", Type: "branch", Domain: "agency", ParentCode: "D", WindowUnit: "true"},
		{Line: 4, Code: "B", Name: "社区党支部", Type: "branch", Domain: "community", ParentCode: "D"},
	}, store.CLI); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportMembers(ctx, []store.MemberRow{
		{Line: 2, Code: "M1", Name: "陈书记", OrgCode: "W", Category: "in_service", IsSecretary: "true"},
		{Line: 3, Code: "M2", Name: "周敏", OrgCode: "B", Category: "in_service"},
	}, store.CLI); err != nil {
		t.Fatal(err)
	}
}
