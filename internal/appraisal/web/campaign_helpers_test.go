package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
)

// Helpers of the campaign tests (campaign_*_test.go).

// campaignFixture is newFixture whose server's intake is closed at the
// end of the test.
func campaignFixture(t *testing.T, st *store.Store, opts Options) *fixture {
	t.Helper()
	f := newFixture(t, st, opts)
	t.Cleanup(f.srv.Close)
	return f
}

func hoursAgo(h int) string {
	return time.Now().Add(time.Duration(-h) * time.Hour).UTC().Format(time.RFC3339)
}

// mkCampaign creates a campaign over the fixture tree; mod changes the
// defaults (open at once, no end, 3-level scale, every target type).
func mkCampaign(t *testing.T, f *fixture, code, scope string, mod func(c *pingyi.Campaign)) *pingyi.Campaign {
	t.Helper()
	c := &pingyi.Campaign{Code: code, Name: "测试评议" + code, ScopeCode: scope, Kind: pingyi.KindMass, Year: 2024}
	if mod != nil {
		mod(c)
	}
	if err := appraisal.New(f.st).CreateCampaign(context.Background(), c, store.CLI); err != nil {
		t.Fatal(err)
	}
	return c
}

// closeCampaign ends a campaign's window an hour ago.
func closeCampaign(t *testing.T, f *fixture, c *pingyi.Campaign) {
	t.Helper()
	c.Opens, c.Closes = hoursAgo(48), hoursAgo(1)
	if err := appraisal.New(f.st).UpdateCampaign(context.Background(), c, "", "", store.CLI); err != nil {
		t.Fatal(err)
	}
}

func issue(t *testing.T, f *fixture, c *pingyi.Campaign, unit string, cat pingyi.EvaluatorCategory, n int) []string {
	t.Helper()
	codes, err := appraisal.New(f.st).IssueCodes(context.Background(), c, unit, cat, n, store.CLI)
	if err != nil {
		t.Fatal(err)
	}
	return codes
}

// ballot is the phone form: target "type:code" → rating.
func ballot(ratings map[string]string, opinion string) url.Values {
	v := url.Values{}
	for k, r := range ratings {
		v.Set("r:"+k, r)
	}
	if opinion != "" {
		v.Set("opinion", opinion)
	}
	return v
}

var receiptRE = regexp.MustCompile(`id="receipt-code">([0-9A-Z]+)<`)

// vote casts a phone ballot with an anonymous client and returns the
// receipt.
func vote(t *testing.T, f *fixture, code string, ratings map[string]string) string {
	t.Helper()
	c := f.client()
	st, body, h := c.do("POST", "/b/"+code, strings.NewReader(ballot(ratings, "").Encode()), "application/x-www-form-urlencoded")
	loc := h.Get("Location")
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/r/") {
		t.Fatalf("vote with %s: %d %q\n%s", code, st, loc, excerpt(body))
	}
	// The receipt's page, as the phone follows the redirect (and reloads it).
	st, body = c.get(loc)
	m := receiptRE.FindStringSubmatch(body)
	if st != 200 || m == nil || "/r/"+m[1]+"?new=1" != loc {
		t.Fatalf("receipt page %s: %d\n%s", loc, st, excerpt(body))
	}
	return m[1]
}

func results(t *testing.T, f *fixture, c *pingyi.Campaign) *appraisal.Results {
	t.Helper()
	res, err := appraisal.New(f.st).Results(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func targetResult(t *testing.T, res *appraisal.Results, typ pingyi.TargetType, code string) appraisal.TargetResult {
	t.Helper()
	for _, r := range res.Targets {
		if r.Type == typ && r.Code == code {
			return r
		}
	}
	t.Fatalf("no result for %s %s", typ, code)
	return appraisal.TargetResult{}
}

func campaignOf(t *testing.T, f *fixture, code string) *pingyi.Campaign {
	t.Helper()
	c, err := appraisal.New(f.st).Campaign(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func orgID(t *testing.T, f *fixture, code string) int64 {
	t.Helper()
	o, err := f.st.Org(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}

// location is the Location header of a redirect.
func location(t *testing.T, c *client, method, path string, form url.Values) (int, string, string) {
	t.Helper()
	st, body, h := c.do(method, path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
	return st, h.Get("Location"), body
}
