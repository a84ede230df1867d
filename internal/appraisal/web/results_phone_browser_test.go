package web

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// fitsJS reports, for the tables of a page, what does not fit: a table
// that scrolls sideways, or a score/rate (mass share) cell beyond the
// viewport's right edge. "" when everything fits.
const fitsJS = `(() => {
  const bad = [];
  for (const w of document.querySelectorAll("main .table-wrap")) {
    if (w.scrollWidth > w.clientWidth + 1) bad.push((w.querySelector("table").id || w.parentElement.id) + " scrolls " + w.scrollWidth + ">" + w.clientWidth);
  }
  for (const td of document.querySelectorAll("main table td.num:not(.lo), main table th.num:not(.lo)")) {
    const r = td.getBoundingClientRect();
    if (r.width > 0 && r.right > window.innerWidth + 1) bad.push((td.closest("table").id || td.closest("section").id) + ": " + td.innerText + " at " + Math.round(r.right));
  }
  return bad.join("; ");
})()`

// On a phone (390×844) the results, public results and coverage tables
// show each name, its score and its satisfaction rate without sideways
// scrolling (the counts are left to wider screens); on a 1366×900 desktop
// the composition table, every evaluator category included, keeps the
// mass share and its flag in view (issue 16).
func TestResultsTablesFit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		ctx := browser(t)
		f := campaignFixture(t, db, Options{})
		base := f.ts.URL
		c := mkCampaign(t, f, "FIT1", "T1", func(c *pingyi.Campaign) {
			c.Name = "2024年度东湖镇基层党组织和党员群众评议满意度测评"
			c.MinMassShare = "0.6"
		})
		// One ballot of every evaluator category in V1, so that the
		// composition has all its columns; three masses in V2.
		for _, cat := range pingyi.EvaluatorCategories {
			for _, k := range issue(t, f, c, "V1", cat, 1) {
				vote(t, f, k, map[string]string{"org:V1": "satisfied", "secretary:V1": "basically_satisfied", "member:M1": "satisfied", "member:M2": "dissatisfied"})
			}
		}
		for _, k := range issue(t, f, c, "V2", pingyi.EvalPartyMember, 3) {
			vote(t, f, k, map[string]string{"org:V2": "satisfied"})
		}
		closeCampaign(t, f, c)
		if st, body := f.as("orgadmin").post("/campaigns/FIT1/publicity", nil); st != 303 {
			t.Fatalf("publicity: %d\n%s", st, excerpt(body))
		}
		login(t, ctx, base, "admin")
		pages := []string{"/campaigns/FIT1/results", "/p/FIT1", "/campaigns/FIT1/coverage", "/campaigns/FIT1/coverage?unit=V1"}
		for _, size := range []struct {
			name string
			w, h int64
		}{{"phone", 390, 844}, {"desktop", 1366, 900}} {
			vp := chromedp.EmulateViewport(size.w, size.h)
			if size.name == "phone" {
				vp = chromedp.EmulateViewport(size.w, size.h, chromedp.EmulateMobile, chromedp.EmulateScale(2))
			}
			do(t, ctx, size.name, vp)
			for _, p := range pages {
				do(t, ctx, size.name+" "+p, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS(`main`)))
				if bad := eval[string](t, ctx, fitsJS); bad != "" {
					t.Errorf("%s %s: %s", size.name, p, bad)
				}
				if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > int(size.w) {
					t.Errorf("%s %s: the page is %dpx wide", size.name, p, w)
				}
				screenshot(t, ctx, fmt.Sprintf("results-fit-%s%s", size.name, pathName(p)))
			}
		}
		// The phone shows the score and the rate of every member (and the
		// unit under the name); the counts stay on wider screens.
		do(t, ctx, "phone again", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
			chromedp.Navigate(base+"/campaigns/FIT1/results"), chromedp.WaitVisible(chromedp.CSS(`#results-member`)))
		if n := eval[int](t, ctx, `[...document.querySelectorAll("#results-member td.num:not(.lo)")].filter(td => td.getBoundingClientRect().width > 0).length`); n < 4 {
			t.Errorf("the phone shows %d score/rate cells of members, want 4 (2 members)", n)
		}
		if n := eval[int](t, ctx, `[...document.querySelectorAll("#results-member td.lo")].filter(td => td.getBoundingClientRect().width > 0).length`); n != 0 {
			t.Errorf("the phone shows %d count cells", n)
		}
		if !eval[bool](t, ctx, `[...document.querySelectorAll("#results-member .phone-only")].some(e => e.getBoundingClientRect().width > 0)`) {
			t.Error("the phone does not show a member's unit under the name")
		}
		// The composition at 1366: the mass share's header and V2's flag in view.
		do(t, ctx, "desktop composition", chromedp.EmulateViewport(1366, 900), chromedp.Navigate(base+"/campaigns/FIT1/results"), chromedp.WaitVisible(chromedp.CSS(`#unit-composition`)))
		if right := eval[float64](t, ctx, `document.querySelector("#unit-composition thead th:last-child").getBoundingClientRect().right`); right > 1366 {
			t.Errorf("the mass share's header ends at %.0fpx", right)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll("#unit-composition thead th").length`); n != len(pingyi.EvaluatorCategories)+3 {
			t.Errorf("the composition has %d columns, want every category", n)
		}
		flag := eval[float64](t, ctx, `(() => { const e = document.querySelector("#unit-composition .flag-low_mass_share"); return e ? e.getBoundingClientRect().right : -1 })()`)
		if flag < 0 || flag > 1366 {
			t.Errorf("the low mass share flag: right edge %.0f", flag)
		}
	})
}

func pathName(p string) string {
	out := []rune{}
	for _, r := range p {
		switch r {
		case '/', '?', '=':
			out = append(out, '-')
		default:
			out = append(out, r)
		}
	}
	return string(out)
}
