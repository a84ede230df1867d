package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// The results page's cached body (results_cache.go) is never served to a
// viewer of another scope, and never once the summary has changed.
func TestResultsCacheScopeAndSummary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := campaignFixture(t, db, Options{})
		c := mkCampaign(t, f, "R1", "T1", func(c *pingyi.Campaign) { c.TestMode = true })
		v1 := issue(t, f, c, "V1", pingyi.EvalMassRep, 3)
		v2 := issue(t, f, c, "V2", pingyi.EvalServiceObject, 2)
		vote(t, f, v1[0], map[string]string{"org:V1": "satisfied", "member:M1": "dissatisfied"})
		vote(t, f, v2[0], map[string]string{"org:V2": "dissatisfied"})
		closeCampaign(t, f, c)

		get := func(as string) string {
			t.Helper()
			st, body, _ := f.as(as).do("GET", "/campaigns/R1/results", nil, "")
			if st != 200 {
				t.Fatalf("%s: %d", as, st)
			}
			return body
		}
		// Each viewer twice, the other in between: the second request of
		// each is served from the cache.
		for range 2 {
			if b := get("secretary"); strings.Contains(b, "西湖村党支部") || !strings.Contains(b, "东湖村党支部") {
				t.Fatalf("the secretary (V1) sees another unit or not their own:\n%s", excerpt(b))
			}
			if b := get("orgadmin"); !strings.Contains(b, "西湖村党支部") || !strings.Contains(b, "东湖村党支部") {
				t.Fatalf("the org admin (T1) is served a narrower page:\n%s", excerpt(b))
			}
		}
		// Compressed (the cached body spliced in as compressed once,
		// gzip_splice.go), the page decodes to the very page sent
		// uncompressed, first and cached requests alike.
		for range 2 {
			_, plain, _ := f.as("orgadmin").do("GET", "/campaigns/R1/results", nil, "", header{"Accept-Encoding", "identity"})
			_, z, h := f.as("orgadmin").do("GET", "/campaigns/R1/results", nil, "", header{"Accept-Encoding", "gzip"})
			if len(plain) >= gzipMin && h.Get("Content-Encoding") != "gzip" {
				t.Fatalf("a %d-byte page not compressed", len(plain))
			}
			if h.Get("Content-Encoding") == "gzip" {
				z = gunzip(t, []byte(z))
			}
			if z != plain || !strings.Contains(plain, "西湖村党支部") {
				t.Fatalf("compressed page differs (%d bytes, %d plain)", len(z), len(plain))
			}
		}
		// The head's ballots tab is staff's only (the org admin and the
		// inspector have the same org).
		for range 2 {
			if b := get("orgadmin"); !strings.Contains(b, `href="/campaigns/R1/ballots"`) {
				t.Fatalf("the org admin has no ballots tab:\n%s", excerpt(b))
			}
			if b := get("inspector"); strings.Contains(b, `href="/campaigns/R1/ballots"`) {
				t.Fatalf("the inspector is shown the ballots tab:\n%s", excerpt(b))
			}
		}
		if b := get("orgadmin"); !strings.Contains(b, `id="res-ballots">2<`) {
			t.Fatalf("want 2 ballots:\n%s", excerpt(b))
		}

		// The rehearsal wiped (a closed campaign with ballots never
		// reopens), reopened, new ballots, closed again: a new summary,
		// and the page shows it at once (well within the cache's lifetime).
		if err := appraisal.New(f.st).WipeTestCampaign(context.Background(), c, store.CLI); err != nil {
			t.Fatal(err)
		}
		c.TestMode = false
		if b := get("orgadmin"); !strings.Contains(b, `id="res-ballots">0<`) {
			t.Fatalf("stale page after the wipe:\n%s", excerpt(b))
		}
		c.Closes = ""
		if err := appraisal.New(f.st).UpdateCampaign(context.Background(), c, "", "", store.CLI); err != nil {
			t.Fatal(err)
		}
		v1 = issue(t, f, c, "V1", pingyi.EvalMassRep, 3)
		v2 = issue(t, f, c, "V2", pingyi.EvalServiceObject, 2)
		vote(t, f, v1[0], map[string]string{"org:V1": "satisfied"})
		vote(t, f, v2[0], map[string]string{"org:V2": "satisfied"})
		vote(t, f, v2[1], map[string]string{"org:V2": "satisfied"})
		closeCampaign(t, f, c)
		for _, as := range []string{"orgadmin", "secretary"} {
			b := get(as)
			want := map[string]string{"orgadmin": `id="res-ballots">3<`, "secretary": `id="res-ballots">1<`}[as]
			if !strings.Contains(b, want) {
				t.Fatalf("%s: stale page after the summary changed, want %s:\n%s", as, want, excerpt(b))
			}
		}
	})
}

// The cache itself: bodies of one summary are not served for another, nor
// for another key, nor after their lifetime; the size bound holds.
func TestResultsCacheUnit(t *testing.T) {
	var rc resultsCache
	sm1, sm2 := &appraisal.Summary{}, &appraisal.Summary{}
	c := &pingyi.Campaign{ID: 1, Anonymity: 3}
	k := resultsKeyOf(pingyi.Scope{Path: "/1/"}, false, "zh-CN", "/campaigns/X/results", c)
	other := resultsKeyOf(pingyi.Scope{Path: "/1/2/"}, false, "zh-CN", "/campaigns/X/results", c)
	now := time.Now()
	rc.put(1, sm1, k, resultsEntry{body: "A", at: now})
	if e, ok := rc.get(1, sm1, k, now); !ok || e.body != "A" {
		t.Fatalf("get: %q %v", e.body, ok)
	}
	if _, ok := rc.get(1, sm1, other, now); ok {
		t.Fatal("served to another scope")
	}
	if _, ok := rc.get(1, sm2, k, now); ok {
		t.Fatal("served for another summary")
	}
	if _, ok := rc.get(2, sm1, k, now); ok {
		t.Fatal("served for another campaign")
	}
	if _, ok := rc.get(1, sm1, k, now.Add(resultsCacheTTL)); ok {
		t.Fatal("served after its lifetime")
	}
	rc.put(1, sm2, other, resultsEntry{body: "B", at: now}) // a new summary drops the old one's bodies
	if _, ok := rc.get(1, sm1, k, now); ok {
		t.Fatal("old summary's body kept")
	}
	c2 := *c
	c2.Anonymity = 5
	if _, ok := rc.get(1, sm2, resultsKeyOf(pingyi.Scope{Path: "/1/2/"}, false, "zh-CN", "/campaigns/X/results", &c2), now); ok {
		t.Fatal("served for another anonymity threshold")
	}
	defer func(n int) { resultsCacheBytes = n }(resultsCacheBytes)
	resultsCacheBytes = 4096
	for i := range 100 {
		rc.put(int64(i), sm1, k, resultsEntry{body: "0123456789", at: now})
		if rc.bytes > resultsCacheBytes {
			t.Fatalf("%d bytes kept, bound %d", rc.bytes, resultsCacheBytes)
		}
	}
}
