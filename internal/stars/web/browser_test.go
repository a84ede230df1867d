package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web/browsertest"
	"github.com/pingyi/pingyi/internal/web/webtest"
)

// starLogin logs in from the login page as any account (a member's
// dashboard has no tree link to wait for).
func starLogin(t *testing.T, ctx context.Context, base, username string) {
	t.Helper()
	browsertest.Do(t, ctx, "login page "+username,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), username),
		chromedp.SendKeys(chromedp.CSS(`#password`), storetest.Password(username)),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
	)
	browsertest.WaitFor(t, ctx, "home after login", `location.pathname === "/" && !!document.querySelector("main h1")`)
}

func TestStarBrowser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		ctx := browsertest.Start(t)
		f := webtest.New(t, db, New)
		base := f.TS.URL
		bg := context.Background()
		// Some history for the secretary's views: M1 rated, M2 has a goal.
		if _, err := stars.New(f.St).SetRating(bg, thisYear, "M1", map[pingyi.Star]string{"ideology": "2", "compliance": "2", "civilization": "2", "joint_service": "1", "post_duty": "1"}, store.CLI); err != nil {
			t.Fatal(err)
		}
		if err := stars.New(f.St).SaveGoal(bg, &stars.Goal{Year: thisYear, MemberCode: "M2", StarsAimed: 9, Post: stars.PostTechDemo, Household1: "王大爷家",
			Measures: "每月走访联系户两次", MemberSigned: today, SecretarySigned: today, Public: true}, store.CLI); err != nil {
			t.Fatal(err)
		}

		// A member fills a logbook entry on a phone.
		browsertest.Do(t, ctx, "phone viewport", chromedp.EmulateViewport(375, 667, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
		starLogin(t, ctx, base, "member")
		browsertest.Do(t, ctx, "the member's star page", chromedp.Navigate(base+"/stars"), chromedp.WaitVisible(chromedp.CSS(`#goal`)))
		if p := browsertest.Eval[string](t, ctx, `location.pathname`); p != "/stars/members/M2" {
			t.Errorf("/stars took the member to %s", p)
		}
		if w := browsertest.Eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
			t.Errorf("phone: the member's star page is %dpx wide", w)
		}
		browsertest.Screenshot(t, ctx, "stars-phone-member")
		browsertest.Do(t, ctx, "open the logbook", chromedp.Click(chromedp.CSS(`#log a.btn.primary`)), chromedp.WaitVisible(chromedp.CSS(`textarea#content`)))
		if w := browsertest.Eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
			t.Errorf("phone: the logbook is %dpx wide", w)
		}
		browsertest.Screenshot(t, ctx, "stars-phone-log-empty")
		browsertest.Do(t, ctx, "fill the entry",
			chromedp.Click(chromedp.CSS(`input[name=kind][value=service_activity]`)),
			chromedp.SendKeys(chromedp.CSS(`#served`), "村东头孤寡老人"),
			chromedp.SendKeys(chromedp.CSS(`#people`), "3"),
			chromedp.SendKeys(chromedp.CSS(`#content`), "帮三位老人打扫院子、送米面"),
		)
		browsertest.Screenshot(t, ctx, "stars-phone-log-filled")
		browsertest.Do(t, ctx, "save", chromedp.Click(chromedp.CSS(`.stars-logform button[type=submit]`)))
		browsertest.WaitFor(t, ctx, "the entry is listed", `!!document.querySelector(".flash") && document.getElementById("entries").innerText.includes("帮三位老人打扫院子")`)
		if txt := browsertest.Eval[string](t, ctx, `document.getElementById("entries").innerText`); !strings.Contains(txt, "为民服务活动") || !strings.Contains(txt, "3 人") {
			t.Errorf("entry shown as %q", txt)
		}
		if w := browsertest.Eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
			t.Errorf("phone: the logbook with an entry is %dpx wide", w)
		}
		browsertest.Screenshot(t, ctx, "stars-phone-log-saved")
		es, err := stars.New(f.St).Log(bg, pingyi.Scope{}, stars.LogFilter{MemberCode: "M2"})
		if err != nil || len(es) != 1 || es[0].Kind != stars.LogServiceActivity || es[0].People != 3 || es[0].Day != today {
			t.Fatalf("stored entries: %+v, %v", es, err)
		}
		browsertest.Do(t, ctx, "logout", chromedp.Navigate(base+"/"), chromedp.Click(chromedp.CSS(`details.usermenu > summary`)),
			chromedp.Click(chromedp.CSS(`details.usermenu form button`)))
		browsertest.WaitFor(t, ctx, "logged out", `location.pathname === "/login"`)

		// A secretary sees the quarterly bulletin (desktop).
		browsertest.Do(t, ctx, "desktop viewport", chromedp.EmulateViewport(1280, 900))
		starLogin(t, ctx, base, "secretary")
		browsertest.Do(t, ctx, "the branch", chromedp.Navigate(base+"/stars/orgs/V1"), chromedp.WaitVisible(chromedp.CSS(`#star-members`)))
		if txt := browsertest.Eval[string](t, ctx, `document.getElementById("idle").innerText`); !strings.Contains(txt, "张建国") || strings.Contains(txt, "李秀英") {
			t.Errorf("idle members: %q", txt)
		}
		browsertest.Screenshot(t, ctx, "stars-desktop-branch")
		browsertest.Do(t, ctx, "view the bulletin", chromedp.Click(chromedp.CSS(`button[name=format][value=html]`)))
		browsertest.WaitFor(t, ctx, "the bulletin", `location.pathname === "/stars/orgs/V1/bulletin" && !!document.getElementById("bulletin")`)
		title := browsertest.Eval[string](t, ctx, `document.getElementById("bulletin-title").innerText`)
		if !strings.Contains(title, "东湖村党支部") || !strings.Contains(title, "季度党员争创星级情况通报") {
			t.Errorf("bulletin title %q", title)
		}
		table := browsertest.Eval[string](t, ctx, `document.getElementById("bulletin").innerText`)
		for _, want := range []string{"李秀英", "张建国", "争创 9/10 星", "本季度无纪实记录"} {
			if !strings.Contains(table, want) {
				t.Errorf("the bulletin lacks %q:\n%s", want, table)
			}
		}
		if !strings.Contains(browsertest.Eval[string](t, ctx, `document.getElementById("bulletin-problems").innerText`), "1 名党员本季度无纪实记录") {
			t.Error("the bulletin does not count the member without entries")
		}
		browsertest.Screenshot(t, ctx, "stars-desktop-bulletin")

		// The member's page with the secretary's forms.
		browsertest.Do(t, ctx, "member page as secretary", chromedp.Navigate(base+"/stars/members/M2"), chromedp.WaitVisible(chromedp.CSS(`#rating form`)))
		browsertest.Do(t, ctx, "open the pre-assessment form", chromedp.Click(chromedp.CSS(`#pre summary`)), chromedp.WaitVisible(chromedp.CSS(`#pre-ideology`)))
		browsertest.Screenshot(t, ctx, "stars-desktop-member")

		// The district view draws its charts.
		browsertest.Do(t, ctx, "overview", chromedp.Navigate(base+"/stars"), chromedp.WaitVisible(chromedp.CSS(`#stars-orgs`)))
		browsertest.WaitFor(t, ctx, "a chart drawn", `!!document.querySelector(".stars-chart svg")`)
		browsertest.Screenshot(t, ctx, "stars-desktop-overview")
		// The phone bulletin fits too.
		browsertest.Do(t, ctx, "phone bulletin", chromedp.EmulateViewport(375, 667, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
			chromedp.Navigate(base+"/stars/orgs/V1/bulletin"), chromedp.WaitVisible(chromedp.CSS(`#bulletin`)))
		if w := browsertest.Eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
			t.Errorf("phone: the bulletin is %dpx wide", w)
		}
		browsertest.Screenshot(t, ctx, "stars-phone-bulletin")
		browsertest.Do(t, ctx, "phone branch", chromedp.Navigate(base+"/stars/orgs/V1"), chromedp.WaitVisible(chromedp.CSS(`#star-members`)))
		if w := browsertest.Eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
			t.Errorf("phone: the branch page is %dpx wide", w)
		}
		browsertest.Screenshot(t, ctx, "stars-phone-branch")
		browsertest.Do(t, ctx, "phone overview", chromedp.Navigate(base+"/stars"), chromedp.WaitVisible(chromedp.CSS(`#stars-orgs`)))
		browsertest.WaitFor(t, ctx, "a chart drawn on the phone", `!!document.querySelector(".stars-chart svg")`)
		if w := browsertest.Eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
			t.Errorf("phone: the overview is %dpx wide", w)
		}
		browsertest.Screenshot(t, ctx, "stars-phone-overview")
		browsertest.Do(t, ctx, "phone public page", chromedp.Navigate(base+"/m/M2"), chromedp.WaitVisible(chromedp.CSS(`#comment`)))
		if w := browsertest.Eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
			t.Errorf("phone: the public page is %dpx wide", w)
		}
		browsertest.Screenshot(t, ctx, "stars-phone-public")
	})
}
