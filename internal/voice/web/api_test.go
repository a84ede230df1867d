package web_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	voiceweb "github.com/pingyi/pingyi/internal/voice/web"
	"github.com/pingyi/pingyi/internal/web/webtest"
)

var secretRE = regexp.MustCompile(`<code id="token-secret">(pyv_[A-Z0-9]+)</code>`)

// The hotline API over HTTP: a token issued on the page, filing, tracking,
// seen and rating relayed, bad bodies refused, revocation.
func TestAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := webtest.New(t, st, voiceweb.New)
		admin := f.As("admin")
		if code, _ := admin.Post("/inbox/tokens", url.Values{"name": {""}, "channel": {"hotline"}}); code != 422 {
			t.Errorf("token without a name: %d", code)
		}
		code, body := admin.Post("/inbox/tokens", url.Values{"name": {"12345热线"}, "channel": {"hotline"}})
		m := secretRE.FindStringSubmatch(body)
		if code != 200 || m == nil {
			t.Fatalf("issue: %d %s", code, webtest.Excerpt(body))
		}
		secret := m[1]
		if _, body = admin.Get("/inbox/tokens"); strings.Contains(body, secret) || !strings.Contains(body, "12345热线") {
			t.Error("the secret is shown again, or the token is not listed")
		}
		c := f.Client()
		call := func(method, path, body, token string) (int, map[string]any) {
			t.Helper()
			var hdr []string
			if token != "" {
				hdr = []string{"Authorization", "Bearer " + token}
			}
			code, out, _ := c.Do(method, path, strings.NewReader(body), "application/json", hdr...)
			var v map[string]any
			json.Unmarshal([]byte(out), &v)
			return code, v
		}
		if code, _ := call("POST", "/api/v1/opinions", `{}`, "pyv_WRONG"); code != 401 {
			t.Errorf("wrong token: %d", code)
		}
		if code, _ := call("POST", "/api/v1/opinions", `{"content": "x", "bogus": 1}`, secret); code != 400 {
			t.Errorf("unknown field: %d", code)
		}
		if code, _ := call("POST", "/api/v1/opinions", `{"content": "`+strings.Repeat("长", 30000)+`"}`, secret); code != 413 {
			t.Errorf("oversize: %d", code)
		}
		code, v := call("POST", "/api/v1/opinions", `{"category": "noise", "org_code": "V1"}`, secret)
		fields, _ := v["fields"].(map[string]any)
		if code != 422 || fields["category"] == nil || fields["content"] == nil {
			t.Errorf("bad fields: %d %v", code, v)
		}
		code, v = call("POST", "/api/v1/opinions", `{"category": "help", "org_code": "V1", "content": "来电反映水管漏水", "phone": "13811112222"}`, secret)
		if code != 201 || v["ref"] == nil || v["token"] == nil {
			t.Fatalf("file: %d %v", code, v)
		}
		ref, track := v["ref"].(string), v["token"].(string)
		if code, v = call("GET", "/api/v1/track/"+track, "", secret); code != 200 || v["state"] != "filed" || v["deadline"] == nil {
			t.Errorf("track: %d %v", code, v)
		}
		if code, _ = call("GET", "/api/v1/track/NOPE", "", secret); code != 404 {
			t.Errorf("unknown tracking token: %d", code)
		}
		// Seen before any reply: not allowed now.
		if code, _ = call("POST", "/api/v1/track/"+track+"/seen", "", secret); code != 409 {
			t.Errorf("seen before reply: %d", code)
		}
		// The hotline channel, and the village handles it.
		town := f.As("orgadmin")
		_, page := town.Get("/inbox/" + ref)
		if !strings.Contains(page, "热线电话") || !strings.Contains(page, "13811112222") {
			t.Errorf("opinion page: %s", webtest.Excerpt(page))
		}
		town.Post("/inbox/"+ref, url.Values{"event": {"accept"}})
		town.Post("/inbox/"+ref, url.Values{"event": {"reply"}, "outcome": {"resolved"}, "note": {"已派人维修"}})
		if code, v = call("POST", "/api/v1/track/"+track+"/seen", "", secret); code != 200 || v["state"] != "seen" {
			t.Errorf("seen: %d %v", code, v)
		}
		if code, _ = call("POST", "/api/v1/track/"+track+"/rating", `{"rating": "fairly_satisfied"}`, secret); code != 422 {
			t.Errorf("off-scale rating: %d", code)
		}
		code, v = call("POST", "/api/v1/track/"+track+"/rating", `{"rating": "满意"}`, secret)
		reply, _ := v["reply"].(map[string]any)
		if code != 200 || v["state"] != "rated" || v["rating"] != "satisfied" || reply["text"] != "已派人维修" {
			t.Errorf("rating: %d %v", code, v)
		}
		// Revoked: refused from then on.
		idRE := regexp.MustCompile(`/inbox/tokens/(\d+)/revoke`)
		_, body = admin.Get("/inbox/tokens")
		id := idRE.FindStringSubmatch(body)
		if id == nil {
			t.Fatal("no revoke form")
		}
		if code, _ := admin.Post("/inbox/tokens/"+id[1]+"/revoke", nil); code != 303 {
			t.Errorf("revoke: %d", code)
		}
		if code, _ := call("GET", "/api/v1/track/"+track, "", secret); code != 401 {
			t.Errorf("revoked token: %d", code)
		}
	})
}
