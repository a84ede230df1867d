package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web"
)

// Issue 15: the request log never records a ballot code, a receipt, a
// tracking token, an opinion's text or its author's data; a ballot's
// lines (phone ballots, receipts, the ballot API) carry the day only, no
// time of day and no duration.
func TestPublicRequestLogs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, logs := product(t, st, web.Options{})
		secrets := publicRound(t, f, campaign(t, f, "LG", 2))
		f.As("orgadmin").Get("/orgs")
		// A line is written once its response is sent: the client may have
		// it first.
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline) && !strings.Contains(logs.String(), `route="GET /orgs"`); {
			time.Sleep(5 * time.Millisecond)
		}
		all := logs.String()
		for _, s := range secrets {
			for _, form := range []string{s, url.PathEscape(s), url.QueryEscape(s)} {
				if strings.Contains(all, form) {
					t.Errorf("the log holds %q", form)
				}
			}
		}
		ballotRoute := regexp.MustCompile(`route="[A-Z]+ /(b|r|api/v1/ballots|api/v1/receipts)\b`)
		var ballots, opinions int
		for _, line := range strings.Split(all, "\n") {
			if !strings.Contains(line, "msg=request") {
				continue
			}
			if strings.Contains(line, `/opinion`) {
				opinions++
			}
			if !ballotRoute.MatchString(line) {
				continue
			}
			ballots++
			if strings.Contains(line, "time=") || strings.Contains(line, "duration=") || !strings.Contains(line, "day=") {
				t.Errorf("a ballot's line dates it finer than the day: %s", line)
			}
		}
		if ballots < 6 || opinions < 2 {
			t.Errorf("%d ballot lines, %d opinion lines:\n%s", ballots, opinions, all)
		}
	})
}

// cspScript is the policy's script source list (default-src when none).
func cspScript(csp string) (string, bool) {
	var def string
	for _, d := range strings.Split(csp, ";") {
		d = strings.TrimSpace(d)
		if v, ok := strings.CutPrefix(d, "script-src "); ok {
			return v, true
		}
		if v, ok := strings.CutPrefix(d, "default-src "); ok {
			def = v
		}
	}
	return def, def != ""
}

// Issue 15: every page of the product — every GET route of the shell and
// of every feature, wildcards filled with a value that names nothing, as
// the system admin and as nobody — carries the security headers: a CSP
// without inline script or eval and with frame-ancestors 'none', nosniff,
// X-Frame-Options and a Referrer-Policy.
func TestSecurityHeadersEveryRoute(t *testing.T) {
	f, _ := product(t, storetest.SQLite(t), web.Options{})
	wild := regexp.MustCompile(`\{[^}]*\}`)
	admin, anon := f.As("admin"), f.Client()
	n := 0
	for _, rt := range f.Srv.Routes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if method != "GET" {
			continue
		}
		path = strings.TrimSuffix(wild.ReplaceAllString(path, "x"), "{$}")
		for who, c := range map[string]func() (int, http.Header){
			"admin": func() (int, http.Header) { st, _, h := admin.Do("GET", path, nil, ""); return st, h },
			"anon":  func() (int, http.Header) { st, _, h := anon.Do("GET", path, nil, ""); return st, h },
		} {
			st, h := c()
			n++
			csp := h.Get("Content-Security-Policy")
			script, ok := cspScript(csp)
			if !ok || strings.Contains(script, "unsafe-inline") || strings.Contains(script, "unsafe-eval") || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("%s as %s (%d): CSP %q", rt.Pattern, who, st, csp)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") == "" {
				t.Errorf("%s as %s (%d): nosniff %q, X-Frame-Options %q, Referrer-Policy %q", rt.Pattern, who, st,
					h.Get("X-Content-Type-Options"), h.Get("X-Frame-Options"), h.Get("Referrer-Policy"))
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d pages checked", n)
	}
}
