package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/pingyi/pingyi/internal/openapi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web"
	"github.com/pingyi/pingyi/internal/web/webtest"
)

func loadDoc(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openapi.JSON)
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi.json is OpenAPI %s, want 3.1", doc.OpenAPI)
	}
	return doc
}

// documented lists the document's operations as ServeMux patterns
// ("GET /api/v1/track/{token}").
func documented(doc *openapi3.T) map[string]bool {
	out := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			out[method+" "+path] = true
		}
	}
	return out
}

// apiRoutes are the product's /api/ routes, from the route tables.
func apiRoutes(routes []web.Route) []string {
	var out []string
	for _, rt := range routes {
		if _, path, _ := strings.Cut(rt.Pattern, " "); strings.HasPrefix(path, "/api/") {
			out = append(out, rt.Pattern)
		}
	}
	sort.Strings(out)
	return out
}

// Issue 15: the OpenAPI document describes every /api/ route of the
// product (the shell's and every feature's route tables) and nothing else.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	doc := loadDoc(t)
	f, _ := product(t, storetest.SQLite(t), web.Options{})
	ops := documented(doc)
	routes := apiRoutes(f.Srv.Routes())
	if len(routes) < 8 {
		t.Fatalf("only %d API routes found: %v", len(routes), routes)
	}
	for _, p := range routes {
		if !ops[p] {
			t.Errorf("route %q is not in internal/openapi/openapi.json: describe it", p)
		}
		delete(ops, p)
	}
	for p := range ops {
		t.Errorf("openapi.json describes %q, which is no route", p)
	}
}

var secretRE = regexp.MustCompile(`<code id="token-secret">(pyv_[A-Z0-9]+)</code>`)

// Issue 15: the real handlers' real responses, successes and refusals,
// validate against the document (every status must be described), and
// every operation is seen answering with success at least once.
func TestOpenAPIResponses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, _ := product(t, st, web.Options{ClientIPHeader: "X-Real-IP", PublicLimit: web.PublicLimit{Burst: 100, PerMinute: 1}})
		doc := loadDoc(t)
		doc.Servers = openapi3.Servers{{URL: f.TS.URL}} // the document's "/" is wherever it is served
		router, err := legacy.NewRouter(doc)
		if err != nil {
			t.Fatal(err)
		}
		codes := campaign(t, f, "OA", 3)
		admin := f.As("admin")
		code, body := admin.Post("/inbox/tokens", url.Values{"name": {"12345热线"}, "channel": {"hotline"}})
		m := secretRE.FindStringSubmatch(body)
		if code != 200 || m == nil {
			t.Fatalf("token: %d %s", code, webtest.Excerpt(body))
		}
		secret := m[1]
		bearer := "Bearer " + secret
		succeeded := map[string]bool{}
		var last []byte
		call := func(method, path, reqBody, auth string, want int, hdrs ...string) []byte {
			t.Helper()
			req, _ := http.NewRequest(method, f.TS.URL+path, strings.NewReader(reqBody))
			if reqBody != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			for i := 0; i+1 < len(hdrs); i += 2 {
				req.Header.Set(hdrs[i], hdrs[i+1])
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Errorf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, b)
			}
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Errorf("%s %s: not in the document: %v", method, path, err)
				return b
			}
			in := &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
				Status:                 resp.StatusCode, Header: resp.Header, Body: io.NopCloser(bytes.NewReader(b)),
				Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
			}
			if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
				t.Errorf("%s %s → %d does not match the document: %v\n%s", method, path, resp.StatusCode, err, b)
			}
			if resp.StatusCode < 300 {
				succeeded[route.Method+" "+route.Path] = true
			}
			last = b
			return b
		}
		field := func(b []byte, name string) string {
			var v map[string]any
			json.Unmarshal(b, &v)
			s, _ := v[name].(string)
			return s
		}

		call("GET", "/api/v1/openapi.json", "", "", 200)
		// Ballots.
		call("GET", "/api/v1/ballots/"+codes[0], "", "", 200)
		call("GET", "/api/v1/ballots/ZZZZZZZZZZ", "", "", 404)
		call("GET", "/api/v1/ballots/%00", "", "", 404)
		ballot := func(code, rating string) string {
			return `{"code":"` + code + `","ratings":[{"target_type":"org","target_code":"V1","rating":"` + rating + `"}],"opinion":"很好"}`
		}
		receipt := field(call("POST", "/api/v1/ballots", ballot(codes[0], "satisfied"), "", 201), "receipt")
		call("POST", "/api/v1/ballots", ballot(codes[0], "satisfied"), "", 409)
		call("GET", "/api/v1/ballots/"+codes[0], "", "", 409)
		call("POST", "/api/v1/ballots", `{"code":`, "", 400)
		call("POST", "/api/v1/ballots", ballot("ZZZZZZZZZZ", "satisfied"), "", 404)
		call("POST", "/api/v1/ballots", ballot(codes[1], "superb"), "", 422)
		call("POST", "/api/v1/ballots", `{"code":"`+codes[1]+`","ratings":[],"opinion":"a\u0000b"}`, "", 422)
		call("GET", "/api/v1/receipts/"+receipt, "", "", 200)
		call("GET", "/api/v1/receipts/ZZZZZZZZZZZZZ", "", "", 404)
		// Opinions.
		opinion := `{"category":"help","org_code":"V1","content":"来电反映水管漏水","phone":"13811112222"}`
		call("POST", "/api/v1/opinions", opinion, "", 401)
		call("POST", "/api/v1/opinions", opinion, "Bearer pyv_WRONG", 401)
		call("POST", "/api/v1/opinions", `{"content": "x", "bogus": 1}`, bearer, 400)
		call("POST", "/api/v1/opinions", `{"content": "`+strings.Repeat("长", 30000)+`"}`, bearer, 413)
		call("POST", "/api/v1/opinions", `{"category": "noise", "org_code": "V1"}`, bearer, 422)
		filed := call("POST", "/api/v1/opinions", opinion, bearer, 201)
		track, ref := field(filed, "token"), field(filed, "ref")
		call("GET", "/api/v1/track/"+track, "", bearer, 200)
		call("GET", "/api/v1/track/NOPE", "", bearer, 404)
		call("GET", "/api/v1/track/"+track, "", "", 401)
		call("POST", "/api/v1/track/"+track+"/seen", "", bearer, 409)
		call("POST", "/api/v1/track/"+track+"/rating", `{"rating": "satisfied"}`, bearer, 409)
		town := f.As("orgadmin")
		town.Post("/inbox/"+ref, url.Values{"event": {"accept"}})
		town.Post("/inbox/"+ref, url.Values{"event": {"reply"}, "outcome": {"resolved"}, "note": {"已派人维修"}})
		call("GET", "/api/v1/track/"+track, "", bearer, 200)
		if field(last, "state") != "answered" {
			t.Errorf("after the reply: %s", last)
		}
		call("POST", "/api/v1/track/"+track+"/seen", "", bearer, 200)
		call("POST", "/api/v1/track/"+track+"/rating", `{"rating": "fairly_satisfied"}`, bearer, 422)
		call("POST", "/api/v1/track/"+track+"/rating", `{"rating": `, bearer, 400)
		call("POST", "/api/v1/track/"+track+"/rating", `{"rating": "满意"}`, bearer, 200)
		call("POST", "/api/v1/track/NOPE/seen", "", bearer, 404)
		// The rate limit's answer, from a client past its burst.
		req, _ := http.NewRequest("GET", f.TS.URL+"/api/v1/ballots/"+codes[2], nil)
		req.Header.Set("X-Real-IP", "192.0.2.7")
		for range 100 {
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}
		call("GET", "/api/v1/ballots/"+codes[2], "", "", 429, "X-Real-IP", "192.0.2.7")
		call("POST", "/api/v1/opinions", opinion, bearer, 429, "X-Real-IP", "192.0.2.7")

		for op := range documented(doc) {
			if !succeeded[op] {
				t.Errorf("%s never answered with success in this test", op)
			}
		}
	})
}
