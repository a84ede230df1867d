package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/pingyi/pingyi/internal/store/storetest"
	voiceweb "github.com/pingyi/pingyi/internal/voice/web"
	"github.com/pingyi/pingyi/internal/web/webtest"
)

// The public path and the office's triage in headless Chromium (Debian's
// /usr/bin/chromium; skipped without it unless $PINGYI_REQUIRE_BROWSER):
// the person files on a phone, the office routes it at desktop size, the
// village accepts and replies, the person sees the reply on the phone and
// rates it. $PINGYI_SCREENSHOTS=DIR saves screenshots.

const chromium = "/usr/bin/chromium"

func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("PINGYI_REQUIRE_BROWSER") != "" {
			t.Fatalf("browser tests required but %s is missing", chromium)
		}
		t.Skipf("%s not found: browser test skipped", chromium)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"), chromedp.Flag("accept-lang", "zh-CN,zh"), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", chromium, err)
	}
	return ctx
}

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		t.Fatalf("%s: %v\npage:\n%s", what, err, body)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

func waitFor(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	t.Fatalf("%s: waiting for %s\npage:\n%s", what, js, body)
}

func shot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("PINGYI_SCREENSHOTS")
	if dir == "" {
		return
	}
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90)); err == nil {
		os.WriteFile(filepath.Join(dir, "voice-"+name+".png"), png, 0o644)
	}
}

func fits(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
		t.Errorf("phone %s: %dpx wide, overflows 375px", page, w)
	}
}

func clearCookies() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{})
		return err
	})
}

func signIn(t *testing.T, ctx context.Context, base, user string) {
	t.Helper()
	do(t, ctx, "login as "+user, clearCookies(), chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), user), chromedp.SendKeys(chromedp.CSS(`#password`), storetest.Password(user)),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)))
	waitFor(t, ctx, "logged in as "+user, `location.pathname === "/"`)
}

func TestBrowserPublicAndTriage(t *testing.T) {
	st := storetest.SQLite(t)
	ctx := browser(t)
	f := webtest.New(t, st, voiceweb.New)
	base := f.TS.URL
	phone := chromedp.EmulateViewport(375, 667, chromedp.EmulateMobile, chromedp.EmulateScale(2))
	desktop := chromedp.EmulateViewport(1280, 900)

	// The person, on a phone, anonymous: the form, then the receipt.
	do(t, ctx, "phone form", phone, chromedp.Navigate(base+"/opinion"), chromedp.WaitVisible(chromedp.CSS(`textarea[name=content]`)))
	fits(t, ctx, "/opinion")
	shot(t, ctx, "phone-form")
	do(t, ctx, "fill the form",
		chromedp.SetValue(chromedp.CSS(`select[name=category]`), "help"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=content]`), "楼道灯坏了，晚上看不见"),
		chromedp.SendKeys(chromedp.CSS(`input[name=phone]`), "13912345678"),
		chromedp.Click(chromedp.CSS(`#opinion-form button[type=submit]`)))
	waitFor(t, ctx, "receipt", `!!document.getElementById("receipt")`)
	fits(t, ctx, "receipt")
	shot(t, ctx, "phone-receipt")
	track := eval[string](t, ctx, `location.pathname`)
	ref := eval[string](t, ctx, `document.getElementById("ref").innerText`)
	if !strings.HasPrefix(track, "/opinion/t/") || !strings.HasPrefix(ref, "YJ") {
		t.Fatalf("tracking %q, ref %q", track, ref)
	}

	// The office, at desktop size: the inbox, the opinion, routed to V1.
	do(t, ctx, "desktop", desktop)
	signIn(t, ctx, base, "admin")
	do(t, ctx, "inbox", chromedp.Navigate(base+"/inbox"), chromedp.WaitVisible(chromedp.CSS(`#inbox`)))
	if txt := eval[string](t, ctx, `document.getElementById("inbox").innerText`); !strings.Contains(txt, ref) || !strings.Contains(txt, "待受理") {
		t.Errorf("inbox: %s", txt)
	}
	shot(t, ctx, "desktop-inbox")
	do(t, ctx, "open it", chromedp.Click(chromedp.CSS(`a[href="/inbox/`+ref+`"]`)), chromedp.WaitVisible(chromedp.CSS(`#actions`)))
	do(t, ctx, "route to V1", chromedp.SendKeys(chromedp.CSS(`input[name=org]`), "V1"),
		chromedp.Click(chromedp.CSS(`form input[value=route] ~ button`)))
	waitFor(t, ctx, "routed", `document.getElementById("ledger").innerText.includes("→ V1")`)
	shot(t, ctx, "desktop-routed")

	// The town accepts and replies.
	signIn(t, ctx, base, "orgadmin")
	do(t, ctx, "town opinion", chromedp.Navigate(base+"/inbox/"+ref), chromedp.WaitVisible(chromedp.CSS(`#actions`)),
		chromedp.Click(chromedp.CSS(`form input[value=accept] ~ button`)))
	waitFor(t, ctx, "accepted", `document.getElementById("ledger").innerText.includes("接收办理")`)
	do(t, ctx, "reply", chromedp.SetValue(chromedp.CSS(`select[name=outcome]`), "resolved"),
		chromedp.SendKeys(chromedp.CSS(`form input[value=reply] ~ label textarea[name=note]`), "已更换灯泡"),
		chromedp.Click(chromedp.CSS(`form input[value=reply] ~ button`)))
	waitFor(t, ctx, "replied", `document.getElementById("ledger").innerText.includes("已更换灯泡")`)

	// The person, on the phone again: the reply, seen, the rating.
	do(t, ctx, "phone tracking", clearCookies(), phone, chromedp.Navigate(base+track), chromedp.WaitVisible(chromedp.CSS(`#rate`)))
	if txt := eval[string](t, ctx, `document.getElementById("reply").innerText`); !strings.Contains(txt, "已更换灯泡") || !strings.Contains(txt, "已解决") {
		t.Errorf("reply on the phone: %s", txt)
	}
	fits(t, ctx, "tracking")
	shot(t, ctx, "phone-reply")
	do(t, ctx, "rate", chromedp.Click(chromedp.CSS(`input[name=rating][value=satisfied]`)), chromedp.Click(chromedp.CSS(`#rate button[type=submit]`)))
	waitFor(t, ctx, "rated", `!!document.getElementById("rated")`)
	shot(t, ctx, "phone-rated")
	var state string
	st.R().QueryRow(context.Background(), `SELECT state FROM opinions WHERE ref = ?`, ref).Scan(&state)
	if state != "rated" {
		t.Errorf("state after the rating: %s", state)
	}
}
