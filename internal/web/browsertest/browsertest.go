// Package browsertest drives headless Chromium for browser tests of the
// shell and the features: the real handler on a loopback port, driven by headless
// Chromium (Debian's /usr/bin/chromium). Without it they skip, unless
// $PINGYI_REQUIRE_BROWSER is set (CI), in which case they fail. With
// $PINGYI_SCREENSHOTS=DIR they save PNG screenshots there.
package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is Debian's Chromium.
const ChromiumPath = "/usr/bin/chromium"

// Start starts a browser for the test (skipping without Chromium).
func Start(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		if os.Getenv("PINGYI_REQUIRE_BROWSER") != "" {
			t.Fatalf("browser tests required ($PINGYI_REQUIRE_BROWSER) but %s is missing: apt-get install chromium", ChromiumPath)
		}
		t.Skipf("%s not found: browser tests skipped (apt-get install chromium; set PINGYI_REQUIRE_BROWSER to make this a failure)", ChromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start the browser
		t.Fatalf("start %s: %v", ChromiumPath, err)
	}
	return ctx
}

// Do runs steps, failing the test with what on an error.
func Do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// WaitFor polls a JavaScript condition.
func WaitFor(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	// A loop rather than chromedp.Poll, which fails when the page
	// navigates while it waits.
	deadline := time.Now().Add(10 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		var ok bool
		if ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	t.Fatalf("%s: waiting for %s (last error: %v)\npage text:\n%s", what, js, err, body)
}

// Eval evaluates js.
func Eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// Screenshot saves the page as name.png under $PINGYI_SCREENSHOTS.
func Screenshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("PINGYI_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Error(err)
	}
	if top, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil { // the first screenful
		os.WriteFile(filepath.Join(dir, name+"-top.png"), top, 0o644)
	}
}

// BarJS reports, for the bar matching SELECTOR, whether its active entry
// is wholly in view and which edges say there is more.
const BarJS = `(() => {
  const bar = document.querySelector(SELECTOR); if (!bar) return JSON.stringify({ missing: true });
  const a = bar.querySelector("a.active, a[aria-current]"); const r = a.getBoundingClientRect(), b = bar.getBoundingClientRect();
  return JSON.stringify({ inView: r.left >= b.left - 1 && r.right <= b.right + 1, overflows: bar.scrollWidth > bar.clientWidth,
    left: bar.classList.contains("more-left"), right: bar.classList.contains("more-right") });
})()`
