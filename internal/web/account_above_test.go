package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// TestAccountsManagedFromAbove: an org admin (of T1) cannot create an org
// admin at T1 itself, nor open, change or reset the
// password of a peer org admin of T1; the system admin can; accounts below
// T1 stay the org admin's to manage.
func TestAccountsManagedFromAbove(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		oa := f.as("orgadmin")
		form := func(user, role, org string) url.Values {
			return url.Values{"username": {user}, "display_name": {user}, "role": {role}, "org": {org}, "password": {"a-long-enough-password"}}
		}
		if st, body := oa.post("/accounts/new", form("peerorg_admin", "org_admin", "T1")); st != http.StatusUnprocessableEntity || !strings.Contains(body, "账号只能由上级管理") {
			t.Errorf("an org admin of T1 made an org admin at T1: %d\n%s", st, excerpt(body))
		}
		if _, err := db.User(context.Background(), "peerorg_admin"); err == nil {
			t.Fatal("the peer account was stored")
		}
		// Below T1: allowed.
		if st, body := oa.post("/accounts/new", form("below", "org_admin", "V1")); st != http.StatusSeeOther {
			t.Fatalf("an org admin of T1 making one of V1: %d\n%s", st, excerpt(body))
		}
		// The system admin makes a peer; the org admin cannot touch it.
		if st, body := f.as("admin").post("/accounts/new", form("peer", "org_admin", "T1")); st != http.StatusSeeOther {
			t.Fatalf("admin: %d\n%s", st, excerpt(body))
		}
		peer, err := db.User(context.Background(), "peer")
		if err != nil {
			t.Fatal(err)
		}
		path := "/accounts/" + strconv.FormatInt(peer.ID, 10)
		if st, _ := oa.get(path); st != http.StatusNotFound {
			t.Errorf("an org admin opened a peer's account: %d", st)
		}
		reset := form("peer", "org_admin", "T1")
		reset.Set("password", "the-attackers-password")
		if st, _ := oa.post(path, reset); st != http.StatusNotFound {
			t.Errorf("an org admin reset a peer's password: %d", st)
		}
		after, _ := db.User(context.Background(), "peer")
		if after.PasswordHash != peer.PasswordHash {
			t.Error("the peer's password changed")
		}
		// Nor move an account below up to its own level.
		below, _ := db.User(context.Background(), "below")
		if st, _ := oa.post("/accounts/"+strconv.FormatInt(below.ID, 10), form("below", "org_admin", "T1")); st != http.StatusUnprocessableEntity {
			t.Errorf("an org admin raised an account to its own level: %d", st)
		}
		// The admin still manages the peer.
		if st, _ := f.as("admin").get(path); st != http.StatusOK {
			t.Errorf("admin on the peer: %d", st)
		}
	})
}
