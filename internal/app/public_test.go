package app_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/pingyi/pingyi/internal/app"
	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/web"
	"github.com/pingyi/pingyi/internal/web/webtest"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// product is the whole product (the shell with every feature) over the
// test tree, its request log in logs.
func product(t *testing.T, st *store.Store, opts web.Options) (*webtest.Fixture, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	opts.Logger = slog.New(slog.NewTextHandler(logs, nil))
	var fs []webtest.FeatureFunc
	for _, mk := range app.Features {
		fs = append(fs, mk)
	}
	return webtest.NewWith(t, st, opts, fs...), logs
}

// campaign makes an open mass campaign over T1 with n codes of unit V1.
func campaign(t *testing.T, f *webtest.Fixture, code string, n int) []string {
	t.Helper()
	ctx := context.Background()
	c := &pingyi.Campaign{Code: code, Name: "测试评议" + code, ScopeCode: "T1", Kind: pingyi.KindMass, Year: 2024}
	if err := appraisal.New(f.St).CreateCampaign(ctx, c, store.CLI); err != nil {
		t.Fatal(err)
	}
	codes, err := appraisal.New(f.St).IssueCodes(ctx, c, "V1", pingyi.EvalMassRep, n, store.CLI)
	if err != nil {
		t.Fatal(err)
	}
	return codes
}

// publicRound is what the public does: a phone ballot (page, post,
// receipt), an API ballot and a second try of its code, a receipt check by
// the API, an opinion filed from the form and its tracking page. It
// returns every secret the requests carried (codes, receipts, tokens,
// the opinion's text).
func publicRound(t *testing.T, f *webtest.Fixture, codes []string) []string {
	t.Helper()
	anon := f.Client()
	if st, body := anon.Get("/b/" + codes[0]); st != 200 {
		t.Fatalf("ballot page: %d %s", st, webtest.Excerpt(body))
	}
	st, body, h := anon.Do("POST", "/b/"+codes[0], strings.NewReader(url.Values{"r:org:V1": {"satisfied"}}.Encode()), "application/x-www-form-urlencoded")
	if st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/r/") {
		t.Fatalf("phone ballot: %d %s", st, webtest.Excerpt(body))
	}
	receipt := strings.TrimSuffix(strings.TrimPrefix(h.Get("Location"), "/r/"), "?new=1")
	anon.Get(h.Get("Location"))
	ballot := `{"code":"` + codes[1] + `","ratings":[{"target_type":"org","target_code":"V1","rating":"satisfied"}],"opinion":"食堂的饭菜太咸"}`
	st, body, _ = anon.Do("POST", "/api/v1/ballots", strings.NewReader(ballot), "application/json")
	if st != http.StatusCreated {
		t.Fatalf("API ballot: %d %s", st, body)
	}
	apiReceipt := body[strings.Index(body, `"receipt":"`)+11:]
	apiReceipt = apiReceipt[:strings.IndexByte(apiReceipt, '"')]
	if st, _, _ = anon.Do("POST", "/api/v1/ballots", strings.NewReader(ballot), "application/json"); st != http.StatusConflict {
		t.Errorf("the code again: %d", st)
	}
	if st, body, _ = anon.Do("GET", "/api/v1/receipts/"+apiReceipt, nil, ""); st != 200 {
		t.Errorf("receipt check: %d %s", st, body)
	}
	const content = "楼道灯坏了三个月没人修"
	st, _, h = anon.Do("POST", "/opinion", strings.NewReader(url.Values{"org": {"D"}, "category": {"help"}, "content": {content},
		"name": {"陈某"}, "phone": {"13912345678"}}.Encode()), "application/x-www-form-urlencoded")
	if st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/opinion/t/") {
		t.Fatalf("opinion: %d %v", st, h)
	}
	track := strings.TrimSuffix(strings.TrimPrefix(h.Get("Location"), "/opinion/t/"), "?new=1")
	if st, _ = anon.Get("/opinion/t/" + track); st != 200 {
		t.Errorf("tracking page: %d", st)
	}
	return []string{codes[0], codes[1], receipt, apiReceipt, track, content, "食堂的饭菜太咸", "13912345678", "陈某"}
}
