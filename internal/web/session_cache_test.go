package web

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// The session and account caches (store.SessionStore, store.SessionUser)
// must not keep anyone in longer than the database would: a changed
// password ends the account's other sessions, a changed role applies to
// the next request, an import shows in the counts at once.
func TestSessionsFollowAccountChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		ctx := context.Background()
		accountForm := func(pw string) url.Values {
			v := url.Values{"display_name": {"测试orgadmin"}, "role": {"org_admin"}, "org": {"T1"}}
			if pw != "" {
				v.Set("password", pw)
			}
			return v
		}
		path := "/accounts/" + itoa(int(f.users["orgadmin"].ID))

		// The admin sets orgadmin's password: orgadmin's sessions end.
		a, b := f.as("orgadmin"), f.as("orgadmin")
		if st, _ := a.get("/orgs/T1"); st != 200 {
			t.Fatalf("orgadmin before: %d", st)
		}
		if st, body := f.as("admin").post(path, accountForm("new-password-1")); st != http.StatusSeeOther {
			t.Fatalf("admin sets the password: %d\n%s", st, body)
		}
		if st, _ := a.get("/orgs/T1"); st != http.StatusSeeOther {
			t.Errorf("a session from before the password change still in: %d", st)
		}

		// orgadmin changes their own password: this session stays, the
		// other one ends.
		c1 := f.client()
		if st, _ := c1.post("/login", url.Values{"username": {"orgadmin"}, "password": {"new-password-1"}}); st != http.StatusSeeOther {
			t.Fatalf("login with the new password: %d", st)
		}
		c2 := f.client()
		c2.post("/login", url.Values{"username": {"orgadmin"}, "password": {"new-password-1"}})
		if st, body := c1.post(path, accountForm("new-password-2")); st != http.StatusSeeOther {
			t.Fatalf("own password change: %d\n%s", st, body)
		}
		if st, _ := c1.get("/orgs/T1"); st != 200 {
			t.Errorf("the session that changed its own password was ended: %d", st)
		}
		if st, _ := c2.get("/orgs/T1"); st != http.StatusSeeOther {
			t.Errorf("another session of the account survived its password change: %d", st)
		}
		if st, _ := b.get("/orgs/T1"); st != http.StatusSeeOther {
			t.Errorf("an old session came back: %d", st)
		}

		// A role change applies to the very next request.
		if st, _ := c1.get("/accounts/new"); st != 200 {
			t.Fatalf("org admin on /accounts/new: %d", st)
		}
		u, err := db.User(ctx, "orgadmin")
		if err != nil {
			t.Fatal(err)
		}
		u.Role, u.PasswordHash = pingyi.RoleInspector, ""
		if err := db.UpdateUser(ctx, u, store.CLI); err != nil {
			t.Fatal(err)
		}
		if st, _ := c1.get("/accounts/new"); st != http.StatusForbidden {
			t.Errorf("after the change to inspector, /accounts/new: %d, want 403", st)
		}

		// Member counts (dashboard, tree) show an import at once.
		admin := f.as("admin")
		_, before := admin.get("/")
		if !strings.Contains(before, `id="count-members">5<`) {
			t.Fatalf("dashboard before the import: %s", before)
		}
		if _, err := db.ImportMembers(ctx, []store.MemberRow{
			{Line: 2, Code: "M6", Name: "孙立", OrgCode: "V2", Category: "farming", IsSecretary: "false"},
		}, store.CLI); err != nil {
			t.Fatal(err)
		}
		if _, after := admin.get("/"); !strings.Contains(after, `id="count-members">6<`) {
			t.Errorf("dashboard after the import does not count 6 members")
		}
		if _, tree := admin.get("/orgs"); !strings.Contains(tree, "党员 6") {
			t.Errorf("tree page after the import does not count 6 members")
		}
	})
}

// A session written before the password stamp (or by scs's gob codec)
// is read, and logs its holder out instead of failing.
func TestSessionFromBeforeUpgrade(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t), Options{})
	ctx := context.Background()
	data, err := scs.GobCodec{}.Encode(time.Now().Add(time.Hour), map[string]any{sessUserID: f.users["admin"].ID})
	if err != nil {
		t.Fatal(err)
	}
	// scs stores the SHA-256 of the token (HashTokenInStore).
	token := "legacy-token-0123456789"
	if err := (store.SessionStore{S: f.st}).CommitCtx(ctx, hashToken(token), data, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	c := f.client()
	u, _ := url.Parse(f.ts.URL)
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "pingyi_session", Value: token}})
	if st, _ := c.get("/orgs"); st != http.StatusSeeOther {
		t.Errorf("a session without a password stamp: %d, want 303 to the login page", st)
	}
}

func TestSessionCodec(t *testing.T) {
	deadline := time.Date(2026, 11, 22, 18, 0, 0, 123, time.UTC)
	values := map[string]any{
		"uid": int64(456203192026619904), "lang": "en", "flash": "account.saved", "pw": "abc",
		"n": 42, "b": true, "f": 0.5, "y": []byte{0, 1, 2}, "t": deadline.Add(time.Hour), "empty": "",
	}
	c := sessionCodec{}
	b1, err := c.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 { // map order must not change the bytes
		b2, _ := c.Encode(deadline, values)
		if string(b1) != string(b2) {
			t.Fatal("the same session data encode differently")
		}
	}
	dl, got, err := c.Decode(b1)
	if err != nil || !dl.Equal(deadline) || !reflect.DeepEqual(got, values) {
		t.Fatalf("round trip: %v %v %v", dl, got, err)
	}
	// Other types fall back to gob, and gob data are read.
	gobData, err := c.Encode(deadline, map[string]any{"uid": int64(1), "x": []string{"a"}})
	if err != nil || len(gobData) == 0 || gobData[0] == 0 {
		t.Fatalf("fallback to gob: %v", err)
	}
	if _, got, err := c.Decode(gobData); err != nil || got["uid"] != int64(1) {
		t.Errorf("gob data: %v %v", got, err)
	}
	// Malformed data are refused, never a panic.
	for i := range len(b1) {
		if _, _, err := c.Decode(b1[:i]); err == nil {
			t.Errorf("truncated to %d bytes: accepted", i)
		}
	}
	if _, _, err := c.Decode(append(append([]byte{}, b1...), 0)); err == nil {
		t.Error("trailing byte accepted")
	}
}

// hashToken is how scs keys a session in the store (HashTokenInStore).
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// The cached layout (chrome.go) is per account, language and address: one
// account's menu never shows on another's page, the language switch points
// back at the page it is on, the navigation follows the role.
func TestLayoutCachePerAccount(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t), Options{})
	admin, orgadmin, orgadmin2, member := f.as("admin"), f.as("orgadmin"), f.as("orgadmin2"), f.as("member")
	for range 2 { // the second round is served from the cache
		_, a := admin.get("/orgs")
		_, o := orgadmin.get("/orgs")
		// Same role, same page: only the account tells the layouts apart.
		if _, o2 := orgadmin2.get("/orgs"); !strings.Contains(o2, "测试orgadmin2") {
			t.Error("orgadmin2's page shows orgadmin's menu")
		}
		_, m := member.get("/")
		if !strings.Contains(a, "测试admin") || strings.Contains(a, "测试orgadmin") {
			t.Error("admin's page shows another account's menu")
		}
		if !strings.Contains(o, "测试orgadmin") || strings.Contains(o, "测试admin<") || strings.Contains(o, `href="/audit"`) {
			t.Error("orgadmin's page shows the admin's menu or navigation")
		}
		if !strings.Contains(m, "测试member") || strings.Contains(m, `href="/orgs"`) {
			t.Error("member's page shows another menu or staff navigation")
		}
		if _, p := admin.get("/orgs/T1"); !strings.Contains(p, "next=%2forgs%2fT1") {
			t.Error("the language switch does not point back at /orgs/T1")
		}
		en := f.as("admin")
		en.Lang = "en"
		en.get("/locale?lang=en&next=/")
		if _, p := en.get("/orgs"); !strings.Contains(p, `<html lang="en">`) {
			t.Error("an English session gets a Chinese layout")
		}
	}
}
