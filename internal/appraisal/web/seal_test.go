package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// Issue 10 through the pages: the edit form cannot reopen a closed
// campaign nor lower its threshold (points 1, 2), still saves its other
// settings; coverage shows which targets were rated only after the close
// (point 7).
func TestSealPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := campaignFixture(t, db, Options{})
		c := mkCampaign(t, f, "S1", "T1", nil)
		codes := issue(t, f, c, "V1", pingyi.EvalMassRep, 2)
		vote(t, f, codes[0], map[string]string{"secretary:V1": "satisfied"})
		admin := f.as("orgadmin")

		// Open: counts per unit only.
		_, page, _ := admin.do("GET", "/campaigns/S1/coverage?unit=V1", nil, "")
		if !strings.Contains(page, `id="cov-sealed"`) || strings.Contains(page, "尚无评价") || strings.Contains(page, `class="yes"`) {
			t.Errorf("coverage while open tells who was rated:\n%s", excerpt(page))
		}
		_, page, _ = admin.do("GET", "/campaigns/S1", nil, "")
		if !strings.Contains(page, "获评情况在评议结束后显示") {
			t.Errorf("overview while open:\n%s", excerpt(page))
		}

		closeCampaign(t, f, c)
		_, page, _ = admin.do("GET", "/campaigns/S1/coverage?unit=V1", nil, "")
		if strings.Contains(page, `id="cov-sealed"`) || !strings.Contains(page, "尚无评价") || !strings.Contains(page, `class="yes"`) {
			t.Errorf("coverage after the close:\n%s", excerpt(page))
		}

		form := func(mod func(url.Values)) url.Values {
			v := url.Values{"name": {c.Name}, "opens": {inputTime(c.Opens)}, "closes": {inputTime(c.Closes)}, "anonymity": {"3"},
				"publicity_days": {"5"}, "program": {""}, "participants": {""}, "results_use": {""}}
			mod(v)
			return v
		}
		for name, tc := range map[string]struct {
			mod  func(url.Values)
			want string
		}{
			"close cleared":     {func(v url.Values) { v.Set("closes", "") }, "评议时间不能再更改"},
			"close moved on":    {func(v url.Values) { v.Set("closes", "2099-01-01T00:00") }, "评议时间不能再更改"},
			"threshold 1":       {func(v url.Values) { v.Set("anonymity", "1") }, "3–100"},
			"threshold 2":       {func(v url.Values) { v.Set("anonymity", "2") }, "3–100"},
			"renamed, as shown": {func(v url.Values) { v.Set("name", "改名后的评议") }, ""},
		} {
			st, body := admin.post("/campaigns/S1/edit", form(tc.mod))
			if tc.want == "" {
				if st != 303 {
					t.Errorf("%s: %d\n%s", name, st, excerpt(body))
				}
				continue
			}
			if st != 422 || !strings.Contains(body, tc.want) {
				t.Errorf("%s: %d, want 422 with %q\n%s", name, st, tc.want, excerpt(body))
			}
		}
		got := campaignOf(t, f, "S1")
		if got.Closes != c.Closes || got.Anonymity != 3 || got.Name != "改名后的评议" {
			t.Errorf("campaign now %+v", got)
		}
	})
}
