package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web/browsertest"
)

// The browser helpers are browsertest's.
const chromiumPath = browsertest.ChromiumPath

func browser(t *testing.T) context.Context { return browsertest.Start(t) }

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	browsertest.Do(t, ctx, what, steps...)
}

func waitFor(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	browsertest.WaitFor(t, ctx, what, js)
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	return browsertest.Eval[T](t, ctx, js)
}

func screenshot(t *testing.T, ctx context.Context, name string) { browsertest.Screenshot(t, ctx, name) }

// processed is a condition: the element of the selector exists and htmx
// has processed it (its listeners are on: a click before that would open
// the node without loading its children, as without JavaScript).
func processed(sel string) string {
	return `(() => { const e = document.querySelector('` + sel + `'); return !!e && !!e["htmx-internal-data"] && !document.querySelector(".htmx-settling"); })()`
}

// scripts turns JavaScript on or off in the page.
func scripts(on bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	})
}

func login(t *testing.T, ctx context.Context, base, username string) {
	t.Helper()
	do(t, ctx, "login page",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), username),
		chromedp.SendKeys(chromedp.CSS(`#password`), password(username)),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
	)
	waitFor(t, ctx, "dashboard after login", `location.pathname === "/" && !!document.querySelector("a[href='/orgs']")`)
}

func TestBrowser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		ctx := browser(t)
		f := newFixture(t, db, Options{})
		base := f.ts.URL

		// Desktop: log in, open the tree, expand two levels, search.
		login(t, ctx, base, "admin")
		if n := eval[string](t, ctx, `document.getElementById("count-orgs").innerText`); n != "6" {
			t.Errorf("dashboard counts %s orgs, want 6", n)
		}
		screenshot(t, ctx, "desktop-dashboard")
		do(t, ctx, "open the tree", chromedp.Navigate(base+"/orgs"), chromedp.WaitVisible(chromedp.CSS(`details[data-code="D"] > summary`)))
		waitFor(t, ctx, "htmx ready", processed(`details[data-code="D"]`))
		do(t, ctx, "expand D", chromedp.Click(chromedp.CSS(`details[data-code="D"] > summary .twisty`)))
		waitFor(t, ctx, "D's children loaded by htmx", processed(`details[data-code="T1"]`))
		do(t, ctx, "expand T1", chromedp.Click(chromedp.CSS(`details[data-code="T1"] > summary .twisty`)))
		waitFor(t, ctx, "T1's children loaded by htmx", `!!document.querySelector('details[data-code="T1"] a[href="/orgs/V1"]')`)
		if txt := eval[string](t, ctx, `document.querySelector('details[data-code="T1"]').innerText`); !strings.Contains(txt, "西湖村党支部") || !strings.Contains(txt, "党员 1") {
			t.Errorf("expanded T1 shows %q", txt)
		}
		do(t, ctx, "collapse T1", chromedp.Click(chromedp.CSS(`details[data-code="T1"] > summary .twisty`)))
		if open := eval[bool](t, ctx, `document.querySelector('details[data-code="T1"]').open`); open {
			t.Error("T1 did not collapse")
		}
		screenshot(t, ctx, "desktop-tree")

		do(t, ctx, "search as you type", chromedp.SendKeys(chromedp.CSS(`input[name=q]`), "南山村"))
		waitFor(t, ctx, "search results", `document.getElementById("org-results").innerText.includes("南山村党支部") && !document.getElementById("org-results").innerText.includes("东湖村党支部")`)
		if trail := eval[string](t, ctx, `document.querySelector("#org-results .crumbs").innerText`); !strings.Contains(trail, "中共南山镇委员会") {
			t.Errorf("search result trail %q", trail)
		}
		waitFor(t, ctx, "the search is in the address", `location.search.includes("q=")`)
		screenshot(t, ctx, "desktop-search")

		// Switch to English.
		do(t, ctx, "switch to English", chromedp.Click(chromedp.CSS(`a.lang[hreflang="en"]`)))
		waitFor(t, ctx, "English page", `document.documentElement.lang === "en" && document.body.innerText.includes("Organizations")`)
		if !strings.Contains(eval[string](t, ctx, `location.pathname + location.search`), "/orgs?q=") {
			t.Error("the language switch did not come back to the same page")
		}
		do(t, ctx, "org page in English", chromedp.Navigate(base+"/orgs/V1"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
		if txt := eval[string](t, ctx, `document.body.innerText`); !strings.Contains(txt, "Members") || !strings.Contains(txt, "Village committee member or cadre") {
			t.Errorf("org page not in English:\n%s", txt)
		}
		screenshot(t, ctx, "desktop-org-en")
		do(t, ctx, "back to Chinese", chromedp.Click(chromedp.CSS(`a.lang[hreflang="zh-CN"]`)))
		waitFor(t, ctx, "Chinese page", `document.documentElement.lang === "zh-CN"`)

		// Without JavaScript the tree opens through the org pages.
		do(t, ctx, "scripts off", scripts(false),
			chromedp.Navigate(base+"/orgs"), chromedp.WaitVisible(chromedp.CSS(`details[data-code="D"] > summary`)),
			chromedp.Click(chromedp.CSS(`details[data-code="D"] > summary .twisty`)),
			chromedp.Click(chromedp.CSS(`details[data-code="D"] .tree-children > a`)),
			chromedp.WaitVisible(chromedp.CSS(`a[href="/orgs/T2"]`)),
			scripts(true),
		)

		// Phone: 375×667, mobile emulation; nothing overflows sideways.
		do(t, ctx, "phone viewport", chromedp.EmulateViewport(375, 667, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
		for _, p := range []string{"/", "/orgs", "/orgs/V1", "/members/M1", "/accounts", "/accounts/new", "/audit", "/import", "/orgs?q=" + "村"} {
			do(t, ctx, "phone "+p, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS(`main`)))
			if p == "/orgs" {
				waitFor(t, ctx, "phone: htmx ready", processed(`details[data-code="D"]`))
				do(t, ctx, "phone: expand D", chromedp.Click(chromedp.CSS(`details[data-code="D"] > summary .twisty`)))
				waitFor(t, ctx, "phone: D's children", processed(`details[data-code="T1"]`))
				do(t, ctx, "phone: expand T1", chromedp.Click(chromedp.CSS(`details[data-code="T1"] > summary .twisty`)))
				waitFor(t, ctx, "phone: T1's children", `!!document.querySelector('a[href="/orgs/V2"]')`)
			}
			if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
				t.Errorf("phone %s: page is %dpx wide, overflows 375px", p, w)
			}
			screenshot(t, ctx, "phone"+strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(p))
		}
		// The user menu opens and logs out on the phone too.
		do(t, ctx, "phone: user menu", chromedp.Click(chromedp.CSS(`details.usermenu > summary`)),
			chromedp.WaitVisible(chromedp.CSS(`details.usermenu form button`)))
		if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
			t.Errorf("phone: open user menu makes the page %dpx wide", w)
		}
		screenshot(t, ctx, "phone-menu")
		do(t, ctx, "phone: logout", chromedp.Click(chromedp.CSS(`details.usermenu form button`)))
		waitFor(t, ctx, "login page after logout", `location.pathname === "/login"`)
		if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
			t.Errorf("phone /login: %dpx wide", w)
		}
		screenshot(t, ctx, "phone-login")

		// A phone in English: longer words must fit too.
		login(t, ctx, base, "secretary")
		do(t, ctx, "phone English", chromedp.Navigate(base+"/locale?lang=en&next=/orgs/V1"), chromedp.WaitVisible(chromedp.CSS(`main`)))
		if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
			t.Errorf("phone English org page: %dpx wide", w)
		}
		if txt := eval[string](t, ctx, `document.body.innerText`); !strings.Contains(txt, fmt.Sprint(phoneM1)) {
			t.Errorf("the branch secretary does not see the phone on the phone:\n%s", txt)
		}
		screenshot(t, ctx, "phone-org-en")
	})
}
