package web

import (
	"net/url"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// A closing time already past is refused unless confirmed (it closes the
// campaign, and its window then never changes): on the new-campaign form
// and on the edit form, keeping what was typed (issue 16).
func TestPastCloseConfirmed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := campaignFixture(t, db, Options{})
		past := time.Now().Add(-2 * time.Hour).Format("2006-01-02T15:04")
		form := func(code string, kv ...string) url.Values {
			v := url.Values{"code": {code}, "name": {"过去截止的测评"}, "year": {"2026"}, "scope": {"T1"}, "kind": {"mass"},
				"targets": {"org"}, "scale": {"3"}, "min_mass_share": {"0.8"}, "anonymity": {"3"}, "closes": {past}}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}
		edit := func(kv ...string) url.Values {
			v := url.Values{"name": {"进行中的测评"}, "anonymity": {"3"}, "publicity_days": {"5"}, "closes": {past}}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}
		run(t, f, []scenario{
			{name: "new: a past close is refused", as: "orgadmin", method: "POST", path: "/campaigns/new", form: form("P1"), status: 422,
				has: []string{"截止时间已经过去", `name="confirm_past"`, `value="` + past + `"`, "过去截止的测评"}},
			{name: "new: confirmed", as: "orgadmin", method: "POST", path: "/campaigns/new", form: form("P1", "confirm_past", "1"), status: 303,
				after: func(t *testing.T, f *fixture) {
					if c := campaignOf(t, f, "P1"); appraisal.State(c, time.Now()) != appraisal.StateClosed {
						t.Errorf("P1 is %v, want closed", appraisal.State(c, time.Now()))
					}
				}},
			{name: "open campaign", as: "orgadmin", method: "POST", path: "/campaigns/new", form: form("P2", "closes", "", "name", "进行中的测评"), status: 303},
			{name: "edit: a past close is refused", as: "orgadmin", method: "POST", path: "/campaigns/P2/edit", form: edit(), status: 422,
				has: []string{"截止时间已经过去", `name="confirm_past"`},
				after: func(t *testing.T, f *fixture) {
					if c := campaignOf(t, f, "P2"); c.Closes != "" {
						t.Errorf("the refused edit set closes %q", c.Closes)
					}
				}},
			{name: "edit: confirmed", as: "orgadmin", method: "POST", path: "/campaigns/P2/edit", form: edit("confirm_past", "1"), status: 303,
				after: func(t *testing.T, f *fixture) {
					if c := campaignOf(t, f, "P2"); c.Closes == "" {
						t.Error("the confirmed edit did not close P2")
					}
				}},
		})
	})
}
