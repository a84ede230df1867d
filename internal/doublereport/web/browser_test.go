package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pingyi/pingyi/internal/doublereport"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web/browsertest"
)

func browserLogin(t *testing.T, ctx context.Context, base, username string) {
	t.Helper()
	browsertest.Do(t, ctx, "login as "+username,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), username),
		chromedp.SendKeys(chromedp.CSS(`#password`), storetest.Password(username)),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
	)
	browsertest.WaitFor(t, ctx, "logged in", `location.pathname === "/"`)
}

func noOverflow(t *testing.T, ctx context.Context, what string, width int) {
	t.Helper()
	if w := browsertest.Eval[int](t, ctx, `document.documentElement.scrollWidth`); w > width {
		t.Errorf("%s: the page is %dpx wide, over %dpx", what, w, width)
	}
}

// The member's path in a real browser at phone size: the wish wall, claim,
// complete with hours; then the community's admin confirms at desktop size
// and downloads the town's tables.
func TestBrowserClaimCompleteConfirm(t *testing.T) {
	st := storetest.SQLite(t)
	f := fixture(t, st)
	base := f.TS.URL

	ctx := browsertest.Start(t)
	browsertest.Do(t, ctx, "phone viewport", chromedp.EmulateViewport(375, 667, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	browserLogin(t, ctx, base, "member")
	browsertest.Do(t, ctx, "my double report", chromedp.Navigate(base+"/service"), chromedp.WaitVisible(chromedp.CSS(`#my-registration`)))
	noOverflow(t, ctx, "phone /service", 375)
	browsertest.Do(t, ctx, "the wish wall", chromedp.Navigate(base+"/service/communities/V1"), chromedp.WaitVisible(chromedp.CSS(`#need-NV1`)))
	noOverflow(t, ctx, "phone wish wall", 375)
	browsertest.Screenshot(t, ctx, "dr-phone-wall")
	browsertest.Do(t, ctx, "claim", chromedp.Click(chromedp.CSS(`form[action="/service/needs/NV1/claim"] button`)))
	browsertest.WaitFor(t, ctx, "claimed", `document.body.innerText.includes("认领成功") && !!document.querySelector('form[action="/service/needs/NV1/complete"]')`)
	browsertest.Do(t, ctx, "complete with hours",
		chromedp.SendKeys(chromedp.CSS(`#hours-NV1`), "1.5"),
		chromedp.SendKeys(chromedp.CSS(`#note-NV1`), "量血压"),
		chromedp.Click(chromedp.CSS(`form[action="/service/needs/NV1/complete"] button`)))
	browsertest.WaitFor(t, ctx, "completed", `document.body.innerText.includes("已标记完成")`)
	browsertest.Screenshot(t, ctx, "dr-phone-completed")

	admin := browsertest.Start(t)
	browserLogin(t, admin, base, "orgadmin")
	browsertest.Do(t, admin, "the community page", chromedp.Navigate(base+"/service/communities/V1"),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/service/needs/NV1/confirm"]`)))
	browsertest.Do(t, admin, "confirm", chromedp.SetValue(chromedp.CSS(`#rating-NV1`), "basically_satisfied"),
		chromedp.Click(chromedp.CSS(`form[action="/service/needs/NV1/confirm"] button`)))
	browsertest.WaitFor(t, admin, "confirmed", `document.body.innerText.includes("已确认评价")`)
	n, err := doublereport.New(st).NeedByCode(context.Background(), "NV1")
	if err != nil || n.State != "confirmed" || n.Events != 3 {
		t.Fatalf("NV1 after the browser: %+v %v", n, err)
	}
	evs, _ := doublereport.New(st).NeedEvents(context.Background(), n.ID)
	if evs[1].Hours != 150 || evs[1].Note != "量血压" || evs[2].Rating != "basically_satisfied" {
		t.Errorf("ledger %+v", evs)
	}
	browsertest.Do(t, admin, "tables", chromedp.Navigate(base+"/service/orgs/T1/tables"), chromedp.WaitVisible(chromedp.CSS(`#appendix1`)))
	if href := browsertest.Eval[string](t, admin, `document.querySelector('a[href*="tables.xlsx?by=community"]').getAttribute("href")`); !strings.Contains(href, "/service/orgs/T1/tables.xlsx") {
		t.Errorf("export link %q", href)
	}
	browsertest.Screenshot(t, admin, "dr-desktop-tables")
}
