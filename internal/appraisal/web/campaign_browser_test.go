package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// The phone ballot on a 375×667 phone with JavaScript off: the page fits,
// its choices are big, a ballot goes in with a tap per target, the
// receipt shows and is counted, and the code is refused the second time.
// Then the results page of the closed campaign draws its charts.
func TestCampaignBrowser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		ctx := browser(t)
		f := campaignFixture(t, db, Options{})
		base := f.ts.URL
		c := mkCampaign(t, f, "2024QZ", "T1", func(c *pingyi.Campaign) { c.Name = "2024年度东湖镇基层党组织和党员群众评议" })
		codes := issue(t, f, c, "V1", pingyi.EvalMassRep, 4)
		wcode := ""
		if _, page := f.as("orgadmin").get("/campaigns/2024QZ/units/V2"); strings.Contains(page, "/w/W") {
			i := strings.Index(page, "/w/W")
			wcode = page[i+3 : i+3+1+store.CodeLength]
		}

		do(t, ctx, "phone viewport, no JavaScript", chromedp.EmulateViewport(375, 667, chromedp.EmulateMobile, chromedp.EmulateScale(2)), scripts(false))
		do(t, ctx, "open the code", chromedp.Navigate(base+"/b/"+codes[0]), chromedp.WaitVisible(chromedp.CSS(`button.submit`)))
		if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
			t.Errorf("ballot page is %dpx wide on a 375px phone", w)
		}
		// Big touch targets: every choice at least 44px high and 70px wide.
		if small := eval[int](t, ctx, `[...document.querySelectorAll(".opt span")].filter(e => { const r = e.getBoundingClientRect(); return r.height < 44 || r.width < 70 }).length`); small > 0 {
			t.Errorf("%d choices are smaller than 44×70px", small)
		}
		if fs := eval[float64](t, ctx, `parseFloat(getComputedStyle(document.querySelector("legend")).fontSize)`); fs < 17 {
			t.Errorf("target names in %.0fpx: too small to read", fs)
		}
		screenshot(t, ctx, "campaign-phone-ballot")
		// Tap: the org satisfied, the secretary basically satisfied, M2 abstains.
		do(t, ctx, "tap the choices",
			chromedp.Click(chromedp.CSS(`input[name="r:org:V1"][value="satisfied"] + span`)),
			chromedp.Click(chromedp.CSS(`input[name="r:secretary:V1"][value="basically_satisfied"] + span`)),
			chromedp.Click(chromedp.CSS(`input[name="r:member:M2"][value="abstain"] + span`)),
			chromedp.SendKeys(chromedp.CSS(`#opinion`), "希望多开展为民服务活动"),
		)
		if n := eval[int](t, ctx, `document.querySelectorAll("input[type=radio]:checked").length`); n != 3 {
			t.Fatalf("%d choices checked after three taps", n)
		}
		screenshot(t, ctx, "campaign-phone-ballot-filled")
		do(t, ctx, "submit", chromedp.Click(chromedp.CSS(`button.submit`)), chromedp.WaitVisible(chromedp.CSS(`#receipt-code`)))
		receipt := strings.TrimSpace(eval[string](t, ctx, `document.getElementById("receipt-code").innerText`))
		if len(receipt) < 10 || !strings.Contains(eval[string](t, ctx, `document.body.innerText`), "提交成功") {
			t.Fatalf("receipt page: %q", receipt)
		}
		if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
			t.Errorf("receipt page is %dpx wide", w)
		}
		screenshot(t, ctx, "campaign-phone-receipt")
		do(t, ctx, "check the receipt", chromedp.Click(chromedp.CSS(`a[href^="/r/"]`)), chromedp.WaitVisible(chromedp.CSS(`.done`)))
		if txt := eval[string](t, ctx, `document.body.innerText`); !strings.Contains(txt, "已计入") || !strings.Contains(txt, receipt) {
			t.Errorf("receipt check:\n%s", txt)
		}
		do(t, ctx, "the same code again", chromedp.Navigate(base+"/b/"+codes[0]), chromedp.WaitVisible(chromedp.CSS(`#refused`)))
		if txt := eval[string](t, ctx, `document.body.innerText`); !strings.Contains(txt, "测评码已使用") {
			t.Errorf("used code:\n%s", txt)
		}
		screenshot(t, ctx, "campaign-phone-used")
		if r := targetResult(t, results(t, f, c), pingyi.TargetOrg, "V1"); r.Tally.Satisfied != 1 {
			t.Errorf("the ballot was not counted: %+v", r.Tally)
		}

		// The window unit's one-tap page.
		if wcode == "" {
			t.Fatal("no window code on V2's page")
		}
		do(t, ctx, "window page", chromedp.Navigate(base+"/w/"+wcode), chromedp.WaitVisible(chromedp.CSS(`.wbtns button`)))
		if h := eval[float64](t, ctx, `document.querySelector(".wbtns button").getBoundingClientRect().height`); h < 60 {
			t.Errorf("window buttons %.0fpx high", h)
		}
		screenshot(t, ctx, "campaign-phone-window")
		do(t, ctx, "one tap", chromedp.Click(chromedp.CSS(`.wbtns button[value="satisfied"]`)), chromedp.WaitVisible(chromedp.CSS(`.done`)))
		screenshot(t, ctx, "campaign-phone-window-done")

		// More ballots, then the campaign closes: the admin sees the charts.
		vote(t, f, codes[1], map[string]string{"org:V1": "satisfied", "member:M1": "basically_satisfied", "member:M2": "satisfied"})
		vote(t, f, codes[2], map[string]string{"org:V1": "dissatisfied", "member:M1": "dissatisfied", "member:M2": "satisfied"})
		vote(t, f, codes[3], map[string]string{"org:V1": "basically_satisfied", "member:M1": "satisfied", "member:M2": "satisfied"})
		closeCampaign(t, f, c)
		do(t, ctx, "desktop, JavaScript on", scripts(true), chromedp.EmulateViewport(1280, 900))
		login(t, ctx, base, "admin")
		do(t, ctx, "results", chromedp.Navigate(base+"/campaigns/2024QZ/results"), chromedp.WaitVisible(chromedp.CSS(`#results-org`)))
		waitFor(t, ctx, "the charts drawn", `!!document.querySelector("#chart-rates canvas") && !!document.querySelector("#chart-dist canvas")`)
		if w := eval[int](t, ctx, `document.querySelector("#chart-rates canvas").width`); w < 200 {
			t.Errorf("rates chart canvas %dpx wide", w)
		}
		if txt := eval[string](t, ctx, `document.body.innerText`); !strings.Contains(txt, "东湖村党支部") || !strings.Contains(txt, "不足3人，不予公开") {
			t.Errorf("results page:\n%s", txt)
		}
		screenshot(t, ctx, "campaign-results")
		for _, p := range []string{"/campaigns/2024QZ", "/campaigns/2024QZ/units/V2", "/campaigns/2024QZ/codes"} {
			do(t, ctx, p, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS(`main`)))
			screenshot(t, ctx, "campaign"+strings.NewReplacer("/campaigns/2024QZ", "", "/", "-").Replace(p))
		}
		// The staff pages on a phone: nothing overflows sideways.
		do(t, ctx, "phone viewport", chromedp.EmulateViewport(375, 667, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
		for _, p := range []string{"/campaigns", "/campaigns/2024QZ", "/campaigns/2024QZ/results", "/campaigns/2024QZ/units/V1", "/campaigns/new", "/p/2024QZ"} {
			do(t, ctx, "phone "+p, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS(`main`)))
			if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
				t.Errorf("phone %s: %dpx wide", p, w)
			}
			screenshot(t, ctx, "campaign-phone"+strings.NewReplacer("/", "-").Replace(p))
		}
	})
}
