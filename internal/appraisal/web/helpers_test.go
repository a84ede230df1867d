package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/url"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web/browsertest"
	"github.com/pingyi/pingyi/internal/web/testclient"
)

// The helpers of the shell's own tests, for the appraisal's.

var cheap = storetest.CheapHash

// gzipMin is the shell's: smaller responses are sent uncompressed.
const gzipMin = 8 << 10

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v (%.40q)", err, b)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("bad gzip: %v", err)
	}
	return string(out)
}

// scenario is one request through the real handler on a real database,
// as one visitor: the status, what the body must and must not contain,
// and what the database must hold afterwards.
type scenario struct {
	name    string
	as      string // username; "" anonymous
	method  string // default GET
	path    string
	form    url.Values
	file    *upload // a multipart upload instead of form
	headers []header
	status  int
	has     []string
	hasNot  []string
	after   func(t *testing.T, f *fixture) // checks on the database
}

type upload struct{ name, content string }

func run(t *testing.T, f *fixture, scs []scenario) {
	t.Helper()
	tcs := make([]testclient.Scenario[*fixture], len(scs))
	for i, sc := range scs {
		tcs[i] = testclient.Scenario[*fixture]{Name: sc.name, As: sc.as, Method: sc.method, Path: sc.path, Form: sc.form,
			Headers: flat(sc.headers), Status: sc.status, Has: sc.has, HasNot: sc.hasNot, After: sc.after}
		if sc.file != nil {
			tcs[i].File = &testclient.Upload{Name: sc.file.name, Content: sc.file.content}
		}
	}
	testclient.Run(t, f, func(u string) *testclient.Client { return f.as(u).Client }, tcs)
}

var htmx = header{"HX-Request", "true"}

// The browser helpers are browsertest's.

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
