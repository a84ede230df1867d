package web

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web/browsertest"
)

// On a phone a campaign's tabs scroll sideways (the shell's test does the
// main navigation):
// the active entry is brought into view and the bar fades the edge where
// more entries are.
func TestPhoneBarsShowActiveEntry(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t, storetest.SQLite(t), Options{})
	if err := appraisal.New(f.st).CreateCampaign(context.Background(), &pingyi.Campaign{Code: "TABS", Name: "页签测试", ScopeCode: "T1", Kind: pingyi.KindMass}, store.CLI); err != nil {
		t.Fatal(err)
	}
	base := f.ts.URL
	login(t, ctx, base, "admin")
	do(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	for _, c := range []struct {
		path, bar string
		scrolls   bool // the bar is wider than the phone (the test needs one)
	}{
		{"/campaigns/TABS/rectifications", ".tabs", true},
	} {
		do(t, ctx, c.path, chromedp.Navigate(base+c.path), chromedp.WaitVisible(chromedp.CSS(`main`)))
		waitFor(t, ctx, "app.js ran", `document.querySelector("`+c.bar+`").classList.contains("more-left") || document.querySelector("`+c.bar+`").classList.contains("more-right") || document.querySelector("`+c.bar+`").scrollWidth <= document.querySelector("`+c.bar+`").clientWidth`)
		var got struct {
			Missing, InView, Overflows, Left, Right bool
		}
		if err := json.Unmarshal([]byte(eval[string](t, ctx, "const SELECTOR = "+strconv.Quote(c.bar)+";"+browsertest.BarJS)), &got); err != nil {
			t.Fatal(err)
		}
		switch {
		case got.Missing:
			t.Errorf("%s: no %s", c.path, c.bar)
		case c.scrolls && !got.Overflows:
			t.Errorf("%s: %s fits the phone; the test needs one that scrolls", c.path, c.bar)
		case !got.InView:
			t.Errorf("%s: the active entry of %s is out of view", c.path, c.bar)
		case got.Overflows && !got.Left && !got.Right:
			t.Errorf("%s: %s scrolls but shows no edge cue", c.path, c.bar)
		}
		screenshot(t, ctx, "phone-bar"+strings.ReplaceAll(c.path, "/", "-"))
	}
}
