package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/voice"
	voiceweb "github.com/pingyi/pingyi/internal/voice/web"
	"github.com/pingyi/pingyi/internal/web"
)

// FuzzOpinionAPI sends arbitrary requests to the hotline API through the
// whole server (its middleware and mux), on one SQLite database opened
// for the target: route picks POST /api/v1/opinions, GET
// /api/v1/track/{token}, POST …/seen or POST …/rating; auth picks no
// token, the valid one, a revoked one or garbage. In the token and the
// body, $TRACK stands for a real tracking token and $ORG for an org code.
// Every answer is 2xx or 4xx, never 5xx, and a JSON object (an "error" on
// a 4xx); a 201 stores one opinion whose tracking token then tracks;
// every 4xx leaves the opinions, their events and the audit log as they
// were.
func FuzzOpinionAPI(f *testing.F) {
	for _, s := range []struct {
		route, auth uint8
		token, body string
	}{
		{0, 1, "", `{"category": "help", "org_code": "$ORG", "content": "来电反映水管漏水", "phone": "13811112222"}`},
		{0, 1, "", `{"channel": "hotline", "category": "suggestion", "urgency": "urgent", "org_code": "$ORG", "content": "x", "name": "王", "email": "a@b.cn", "public_ok": true}`},
		{0, 1, "", `{"category": "noise", "org_code": "V1"}`},
		{0, 1, "", `{"content": "x", "bogus": 1}`},
		{0, 1, "", `{"content": "\u0000", "org_code": "$ORG", "category": "help"}`},
		{0, 1, "", `{"content": "a", "org_code": "$ORG\u0000", "category": "help"}`},
		{0, 1, "", `{"content": "a", "org_code": "$ORG", "category": "help", "phone": "` + strings.Repeat("1", 5000) + `"}`},
		{0, 1, "", `{"content": "` + strings.Repeat("长", 30000) + `"}`},
		{0, 1, "", `{"content": "\ud800", "org_code": "$ORG", "category": "help"}`},
		{0, 1, "", `{"content": 1}`},
		{0, 1, "", `[]`},
		{0, 1, "", `{`},
		{0, 1, "", ``},
		{0, 1, "", "\xef\xbb\xbf{}"},
		{0, 1, "", `{"channel": "nosuch", "content": "x", "org_code": "$ORG", "category": "help"}`},
		{0, 0, "", `{}`},
		{0, 2, "", `{"category": "help", "org_code": "$ORG", "content": "x"}`},
		{0, 3, "", `{}`},
		{1, 1, "$TRACK", ``},
		{1, 1, "NOPE", ``},
		{1, 1, "%00", ``},
		{1, 1, "\x00", ``},
		{1, 1, strings.Repeat("A", 5000), ``},
		{1, 0, "$TRACK", ``},
		{2, 1, "$TRACK", ``},
		{3, 1, "$TRACK", `{"rating": "satisfied"}`},
		{3, 1, "$TRACK", `{"rating": "great"}`},
		{3, 1, "$TRACK", `{"rating": "satisfied", "x": 1}`},
		{3, 1, "NOPE", `{"rating": "satisfied"}`},
	} {
		f.Add(s.route, s.auth, s.token, []byte(s.body))
	}
	st := storetest.SQLite(f)
	storetest.SeedTree(f, st)
	srv, err := web.New(st, web.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(srv.Close)
	feat, err := voiceweb.New(srv, st)
	if err != nil {
		f.Fatal(err)
	}
	if err := srv.Add(feat); err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()
	v, err := voice.New(st)
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	_, secret, err := v.IssueToken(ctx, "12345热线", "hotline", store.CLI)
	if err != nil {
		f.Fatal(err)
	}
	old, revoked, err := v.IssueToken(ctx, "旧热线", "hotline", store.CLI)
	if err != nil {
		f.Fatal(err)
	}
	if err := v.RevokeToken(ctx, old.ID, store.CLI); err != nil {
		f.Fatal(err)
	}
	rc, err := v.Receive(ctx, voice.NewOpinion{Channel: "hotline", Category: "help", Content: "村口路灯坏了", OrgCode: "V1", Phone: "13700001234"}, time.Now(), store.CLI)
	if err != nil {
		f.Fatal(err)
	}
	count := func(t *testing.T, table string) int {
		var n int
		if err := st.DB.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	f.Fuzz(func(t *testing.T, route, auth uint8, token string, body []byte) {
		subst := strings.NewReplacer("$TRACK", rc.Token, "$ORG", "V1")
		token = subst.Replace(token)
		body = []byte(subst.Replace(string(body)))
		method, path := "POST", "/api/v1/opinions"
		switch route % 4 {
		case 1:
			method, path = "GET", "/api/v1/track/"+url.PathEscape(token)
		case 2:
			path = "/api/v1/track/" + url.PathEscape(token) + "/seen"
		case 3:
			path = "/api/v1/track/" + url.PathEscape(token) + "/rating"
		}
		if (token == "" || token == "." || token == "..") && route%4 != 0 {
			// Not one of the routes: the mux answers, redirecting
			// /api/v1/track/. to its clean path (a 307, found by this
			// target), which is no answer of the API.
			return
		}
		r := httptest.NewRequest(method, path, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		switch auth % 4 {
		case 1:
			r.Header.Set("Authorization", "Bearer "+secret)
		case 2:
			r.Header.Set("Authorization", "Bearer "+revoked)
		case 3:
			r.Header.Set("Authorization", "Bearer "+token)
		}
		opinions, events, audit := count(t, "opinions"), count(t, "opinion_events"), count(t, "audit_log")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		st, out := w.Code, w.Body.Bytes()
		if st < 200 || st >= 500 || (st >= 300 && st < 400) {
			t.Fatalf("%s %s: status %d: %s", method, path, st, out)
		}
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("%s %s: status %d, not a JSON object (%v): %q", method, path, st, err, out)
		}
		if st >= 400 {
			if e, _ := m["error"].(string); e == "" {
				t.Fatalf("%s %s: status %d without an error: %s", method, path, st, out)
			}
			if count(t, "opinions") != opinions || count(t, "opinion_events") != events || count(t, "audit_log") != audit {
				t.Fatalf("%s %s: status %d changed something: %s", method, path, st, out)
			}
			return
		}
		if st == http.StatusCreated {
			tr, _ := m["token"].(string)
			if count(t, "opinions") != opinions+1 || tr == "" {
				t.Fatalf("201 with opinions %d→%d: %s", opinions, count(t, "opinions"), out)
			}
			if _, err := v.RefByToken(ctx, tr); err != nil {
				t.Fatalf("the tracking token of a 201 does not track: %v", err)
			}
		}
	})
}
