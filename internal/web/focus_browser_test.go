package web

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web/browsertest"
)

// focusContrastJS focuses each element of the selectors as the keyboard
// would and measures the contrast of its focus ring (outline and
// box-shadow colours) against the background it sits on; the best ring
// colour must reach 3:1 (WCAG 2.2, 1.4.11 / 2.4.13).
const focusContrastJS = `(() => {
  const lum = c => { const m = c.match(/[\d.]+/g); if (!m) return null;
    const [r, g, b] = m.slice(0, 3).map(v => { v = v / 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return { l: 0.2126 * r + 0.7152 * g + 0.0722 * b, a: m.length > 3 ? +m[3] : 1 }; };
  const ratio = (x, y) => (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  const bgOf = el => { for (let e = el.parentElement; e; e = e.parentElement) {
      const c = lum(getComputedStyle(e).backgroundColor); if (c && c.a > 0.5) return c.l; } return 1; };
  return JSON.stringify(SELECTORS.map(sel => {
    const el = document.querySelector(sel); if (!el) return { sel, missing: true };
    el.focus({ focusVisible: true });
    const st = getComputedStyle(el), bg = bgOf(el);
    const rings = [];
    if (st.outlineStyle !== "none" && parseFloat(st.outlineWidth) >= 2) rings.push(st.outlineColor);
    (st.boxShadow.match(/rgba?\([^)]*\)/g) || []).forEach(c => rings.push(c));
    let best = 0; rings.forEach(c => { const l = lum(c); if (l && l.a > 0.5) best = Math.max(best, ratio(l.l, bg)); });
    el.blur();
    return { sel, best };
  }));
})()`

func TestFocusRingContrast(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t, storetest.SQLite(t), Options{})
	base := f.ts.URL
	login(t, ctx, base, "admin")
	for _, page := range []struct {
		path string
		sels []string
	}{
		{"/orgs", []string{`header.topbar a`, `nav.mainnav a`, `a.lang`, `main a`, `main input`, `main button`}},
		{"/accounts/new", []string{`main input`, `main select`, `main button`}},
	} {
		do(t, ctx, page.path, chromedp.Navigate(base+page.path), chromedp.WaitVisible(chromedp.CSS(`main`)))
		sels, _ := json.Marshal(page.sels)
		js := "const SELECTORS = " + string(sels) + ";" + focusContrastJS
		var got []struct {
			Sel     string
			Best    float64
			Missing bool
		}
		if err := json.Unmarshal([]byte(eval[string](t, ctx, js)), &got); err != nil {
			t.Fatal(err)
		}
		for _, g := range got {
			switch {
			case g.Missing:
				t.Errorf("%s: no element %s", page.path, g.Sel)
			case g.Best < 3:
				t.Errorf("%s %s: focus ring contrast %.2f:1, want at least 3:1", page.path, g.Sel, g.Best)
			}
		}
	}
}

// On a phone the main navigation scrolls sideways (a campaign's tabs:
// appraisal/web/focus_browser_test.go):
// the active entry is brought into view and the bar fades the edge where
// more entries are.
func TestPhoneBarsShowActiveEntry(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t, storetest.SQLite(t), Options{})
	base := f.ts.URL
	login(t, ctx, base, "admin")
	do(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	for _, c := range []struct {
		path, bar string
		scrolls   bool // the bar is wider than the phone (the test needs one)
	}{
		{"/audit", ".mainnav-inner", false},
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
