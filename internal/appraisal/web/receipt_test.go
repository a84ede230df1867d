package web

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// Receipts (issue 16): an alphabet nobody confuses (no I, L, O, U), a
// page where anyone types one in — in lower case, with spaces or dashes,
// with O for 0 — and a receipt page that a reload does not lose.
func TestReceiptsUnambiguous(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := campaignFixture(t, db, Options{})
		c := mkCampaign(t, f, "R1", "T1", nil)
		codes := issue(t, f, c, "V1", pingyi.EvalMassRep, 6)
		alphabet := regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{13}$`)
		for _, code := range codes {
			rc := vote(t, f, code, map[string]string{"org:V1": "satisfied"})
			if !alphabet.MatchString(rc) {
				t.Errorf("receipt %q is not 13 characters of Crockford's base32", rc)
			}
			// Typed by hand: lower case, in groups, 0 and 1 read as O and I/L.
			typed := strings.ToLower(rc[:4] + " " + rc[4:8] + "-" + rc[8:])
			typed = strings.NewReplacer("0", "o", "1", "l").Replace(typed)
			anon := f.client()
			st, _, h := anon.do("GET", "/r?receipt="+strings.ReplaceAll(typed, " ", "+"), nil, "")
			if st != http.StatusSeeOther || h.Get("Location") != "/r/"+rc {
				t.Fatalf("lookup of %q: %d %q, want /r/%s", typed, st, h.Get("Location"), rc)
			}
			if st, body := anon.get("/r/" + rc); st != 200 || !strings.Contains(body, "已计入") {
				t.Errorf("receipt page: %d\n%s", st, excerpt(body))
			}
			if _, _, err := appraisal.New(db).Receipt(context.Background(), typed); err != nil {
				t.Errorf("the store does not find %q: %v", typed, err)
			}
		}
		if st, body := f.client().get("/r"); st != 200 || !strings.Contains(body, `name="receipt"`) {
			t.Errorf("lookup page: %d\n%s", st, excerpt(body))
		}
		if st, _ := f.client().get("/r/ZZZZZZZZZZZZZ"); st != 404 {
			t.Errorf("unknown receipt: %d", st)
		}
	})
}

func TestNormalReceipt(t *testing.T) {
	for in, want := range map[string]string{
		"abcd efgh-jkmn p": "ABCDEFGHJKMNP", "OIL0": "0110", " 7q2x ": "7Q2X", "ab　cd": "ABCD",
	} {
		if got := appraisal.NormalReceipt(in); got != want {
			t.Errorf("NormalReceipt(%q) = %q, want %q", in, got, want)
		}
	}
}

// The phone ballot (issue 16): how many are rated so far, the reset away
// from the submit button and asking first, the members foldable.
func TestBallotPageProgress(t *testing.T) {
	ctx := browser(t)
	f := campaignFixture(t, storetest.SQLite(t), Options{})
	c := mkCampaign(t, f, "PG", "T1", nil)
	code := issue(t, f, c, "V1", pingyi.EvalMassRep, 1)[0]
	do(t, ctx, "phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(f.ts.URL+"/b/"+code), chromedp.WaitVisible(chromedp.CSS(`#progress`)))
	total := eval[int](t, ctx, `document.querySelectorAll("fieldset").length`)
	progress := func() string { return eval[string](t, ctx, `document.getElementById("progress").innerText`) }
	if p := progress(); !strings.Contains(p, "已评 0 项") {
		t.Errorf("progress before rating: %q", p)
	}
	do(t, ctx, "rate two", chromedp.Evaluate[chromedp.Void](`(() => { const fs = document.querySelectorAll("fieldset");
		fs[0].querySelector(".opt span").click(); fs[1].querySelectorAll(".opt span")[1].click(); })()`))
	if p := progress(); !strings.Contains(p, "已评 2 项") || !strings.Contains(p, "共 "+strconv.Itoa(total)+" 项") {
		t.Errorf("progress after two: %q (of %d)", p, total)
	}
	// The reset is at the top, behind a question; the submit at the bottom.
	if eval[bool](t, ctx, `(() => { const r = document.querySelector("details.reset-box"), s = document.querySelector("button.submit");
		return !!(r.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING) && !r.open && r.querySelector("button[type=reset]") !== null })()`) == false {
		t.Error("the reset is not a closed question above the submit button")
	}
	do(t, ctx, "reset", chromedp.Click(chromedp.CSS(`details.reset-box > summary`)), chromedp.Click(chromedp.CSS(`details.reset-box button`)))
	waitFor(t, ctx, "progress after reset", `document.getElementById("progress").innerText.includes("已评 0 项")`)
	if !eval[bool](t, ctx, `!!document.querySelector("details.members[open] > summary")`) {
		t.Error("the members are not in a foldable group")
	}
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the ballot page is %dpx wide on a 390px phone", w)
	}
	screenshot(t, ctx, "phone-ballot-progress")
}
