package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/voice"
	voiceweb "github.com/pingyi/pingyi/internal/voice/web"
	"github.com/pingyi/pingyi/internal/web/webtest"
)

// seed files an opinion at V1 (inside T1's subtree) and one at V3 (T2,
// outside it); both with a contact.
func seed(t *testing.T, st *store.Store) (in, out voice.Receipt) {
	t.Helper()
	v, err := voice.New(st)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	in, err = v.Receive(ctx, voice.NewOpinion{Channel: "hotline", Category: "help", Content: "村口路灯坏了", OrgCode: "V1", Name: "刘某", Phone: "13700001234"}, time.Now(), store.CLI)
	if err != nil {
		t.Fatal(err)
	}
	out, err = v.Receive(ctx, voice.NewOpinion{Channel: "box", Category: "suggestion", Content: "增设公交站", OrgCode: "V3", Phone: "13700005678"}, time.Now(), store.CLI)
	if err != nil {
		t.Fatal(err)
	}
	return in, out
}

// authz is the feature's lines of the route × role matrix. Columns:
// anonymous, admin, org_admin (T1), secretary (V1), member (V1), inspector
// (T1). POSTs carry an empty form: refused with 422 once let in.
var authz = []webtest.Case{
	{Route: "GET /opinion", In: webtest.All(200)},
	{Route: "POST /opinion", In: webtest.All(422)},
	{Route: "GET /opinion/t/{token}", Obj: "token", In: webtest.All(200)},
	{Route: "POST /opinion/t/{token}/rate", Obj: "token", In: webtest.All(422)},
	{Route: "GET /opinion/board", In: webtest.All(200)},
	// The API: without a bearer token every visitor gets 401.
	{Route: "POST /api/v1/opinions", In: webtest.All(401)},
	{Route: "GET /api/v1/track/{token}", Obj: "token", In: webtest.All(401)},
	{Route: "POST /api/v1/track/{token}/seen", Obj: "token", In: webtest.All(401)},
	{Route: "POST /api/v1/track/{token}/rating", Obj: "token", In: webtest.All(401)},
	{Route: "GET /inbox/email", In: webtest.Want{303, 200, 200, 200, 403, 200}},
	{Route: "POST /inbox/email", In: webtest.Want{303, 400, 400, 400, 403, 403}}, // no file
	{Route: "GET /inbox/{ref}/files/{n}", Obj: "file", In: webtest.Want{303, 200, 200, 200, 403, 200}, Out: webtest.Want{303, 200, 404, 404, 403, 404}},
	{Route: "GET /inbox/stats", In: webtest.Want{303, 200, 200, 200, 403, 200}},
	{Route: "GET /inbox/tokens", In: webtest.Want{303, 200, 403, 403, 403, 403}},
	{Route: "POST /inbox/tokens", In: webtest.Want{303, 422, 403, 403, 403, 403}},
	{Route: "POST /inbox/tokens/{id}/revoke", Obj: "apitoken", In: webtest.Want{303, 404, 403, 403, 403, 403}},
	{Route: "GET /inbox", In: webtest.Want{303, 200, 200, 200, 403, 200}},
	{Route: "GET /inbox/new", In: webtest.Want{303, 200, 200, 200, 403, 403}},
	{Route: "POST /inbox/new", In: webtest.Want{303, 422, 422, 422, 403, 403}},
	{Route: "GET /inbox/{ref}", Obj: "opinion", In: webtest.Want{303, 200, 200, 200, 403, 200}, Out: webtest.Want{303, 200, 404, 404, 403, 404}},
	{Route: "POST /inbox/{ref}", Obj: "opinion", In: webtest.Want{303, 422, 422, 422, 403, 403}, Out: webtest.Want{303, 422, 404, 404, 403, 403}},
}

func TestAuthorizationMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := webtest.New(t, st, voiceweb.New)
		in, out := seed(t, st)
		mailIn, mailOut := seedMail(t, st)
		objs := map[string]webtest.Objects{
			"file":     {In: webtest.Same(mailIn + "|1"), Out: webtest.Same(mailOut + "|1")},
			"opinion":  {In: webtest.Same(in.Ref), Out: webtest.Same(out.Ref)},
			"token":    {In: webtest.Same(in.Token)},
			"apitoken": {In: webtest.Same("12345")},
		}
		feat, err := voiceweb.New(f.Srv, st)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(feat.Close)
		webtest.Authz(t, f, feat.Routes(), authz, objs)
		webtest.WritesRefuseInspectors(t, f, feat.Routes())
	})
}

var refRE = regexp.MustCompile(`<code id="ref">(YJ[A-Z0-9]+)</code>`)

// The public path (form → receipt → reply → seen → rating, a dissatisfied
// first rating reopening it) and the office's triage, through the real
// handlers, in both languages.
func TestPublicToReplyFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := webtest.New(t, st, voiceweb.New)
		person := f.Client()
		st1, body := person.Get("/opinion")
		if st1 != 200 || !strings.Contains(body, `name="content"`) || !strings.Contains(body, `type="tel"`) {
			t.Fatalf("form: %d %s", st1, webtest.Excerpt(body))
		}
		// Refused: empty content; nothing stored.
		if st1, body = person.Post("/opinion", url.Values{"org": {"D"}, "category": {"help"}}); st1 != 422 || !strings.Contains(body, `role="alert"`) {
			t.Errorf("empty content: %d", st1)
		}
		if st1, body = person.Post("/opinion", url.Values{"org": {"D"}, "category": {"help"}, "content": {"x"}, "phone": {"abc"}}); st1 != 422 || !strings.Contains(body, "手机") && !strings.Contains(body, "abc") {
			t.Errorf("bad phone: %d", st1)
		}
		// An oversize body is refused (by the shell's form guard or the
		// handler's own bound), nothing stored.
		if st1, _ = person.Post("/opinion", url.Values{"org": {"D"}, "category": {"help"}, "content": {strings.Repeat("长", 30000)}}); st1 != http.StatusRequestEntityTooLarge && st1 != http.StatusUnprocessableEntity {
			t.Errorf("oversize: %d", st1)
		}
		var stored int
		f.St.R().QueryRow(context.Background(), `SELECT COUNT(*) FROM opinions`).Scan(&stored)
		if stored != 0 {
			t.Errorf("%d opinions stored by refused posts", stored)
		}
		st1, _, h := person.Do("POST", "/opinion", strings.NewReader(url.Values{"org": {"D"}, "category": {"help"}, "content": {"楼道灯坏了"},
			"name": {"陈某"}, "phone": {"13912345678"}}.Encode()), "application/x-www-form-urlencoded")
		if st1 != 303 || !strings.HasPrefix(h.Get("Location"), "/opinion/t/") {
			t.Fatalf("file: %d %v", st1, h)
		}
		track := strings.TrimSuffix(h.Get("Location"), "?new=1")
		st1, body = person.Get(h.Get("Location"))
		m := refRE.FindStringSubmatch(body)
		if st1 != 200 || m == nil || !strings.Contains(body, `id="receipt"`) {
			t.Fatalf("receipt: %d %s", st1, webtest.Excerpt(body))
		}
		ref := m[1]
		// The office (admin) sees it at D and routes it to V1; the town
		// (orgadmin, T1) then sees it, its second town (orgadmin2) does not.
		admin := f.As("admin")
		if _, body = admin.Get("/inbox"); !strings.Contains(body, ref) {
			t.Errorf("admin inbox lacks %s", ref)
		}
		town := f.As("orgadmin")
		if _, body = town.Get("/inbox"); strings.Contains(body, ref) {
			t.Errorf("T1 sees an opinion of D")
		}
		post := func(c *webtest.Client, form url.Values, want int) string {
			t.Helper()
			st, body := c.Post("/inbox/"+ref, form)
			if st != want {
				t.Fatalf("%v: %d, want %d\n%s", form, st, want, webtest.Excerpt(body))
			}
			return body
		}
		post(town, url.Values{"event": {"accept"}}, 404) // outside T1 still
		post(admin, url.Values{"event": {"route"}, "org": {"V1"}}, 303)
		if _, body = town.Get("/inbox"); !strings.Contains(body, ref) {
			t.Errorf("T1 inbox lacks %s after the route", ref)
		}
		if st, _ := f.As("orgadmin2").Get("/inbox/" + ref); st != 404 {
			t.Errorf("T2 sees it: %d", st)
		}
		// Personal data: the town's admin handles it; the inspector reads
		// it without the contact.
		if _, body = town.Get("/inbox/" + ref); !strings.Contains(body, "13912345678") {
			t.Error("the handler does not see the phone")
		}
		if st, body := f.As("inspector").Get("/inbox/" + ref); st != 200 || strings.Contains(body, "13912345678") || strings.Contains(body, "陈某") {
			t.Errorf("the inspector sees the contact: %d", st)
		}
		// Close before any reply is refused with the reason.
		if body := post(town, url.Values{"event": {"close"}}, 422); !strings.Contains(body, "办结") {
			t.Errorf("close refusal: %s", webtest.Excerpt(body))
		}
		post(town, url.Values{"event": {"accept"}}, 303)
		// A reply starts from an answer template of the category (help).
		if _, body = town.Get("/inbox/" + ref + "?template=1"); !strings.Contains(body, `id="reply-text">收到您的求助后`) {
			t.Errorf("answer template: %s", webtest.Excerpt(body))
		}
		post(town, url.Values{"event": {"reply"}, "outcome": {"partly"}}, 422) // no text
		post(town, url.Values{"event": {"reply"}, "outcome": {"partly"}, "note": {"已联系物业，明日维修"}}, 303)
		// The tracking page shows the reply, records seen, asks for the rating.
		_, body = person.Get(track)
		if !strings.Contains(body, "已联系物业") || !strings.Contains(body, `id="rate"`) || strings.Contains(body, "13912345678") {
			t.Errorf("tracking after reply: %s", webtest.Excerpt(body))
		}
		if _, body = town.Get("/inbox/" + ref); !strings.Contains(body, "已知晓答复") {
			t.Error("seen not in the ledger")
		}
		st1, _ = person.Post(track+"/rate", url.Values{"rating": {"dissatisfied"}})
		if st1 != 303 {
			t.Fatalf("rate: %d", st1)
		}
		// Reopened: back in the town's open inbox, cannot be rated again yet.
		if _, body = town.Get("/inbox"); !strings.Contains(body, ref) {
			t.Error("reopened opinion not open")
		}
		if st1, _ = person.Post(track+"/rate", url.Values{"rating": {"satisfied"}}); st1 != 409 {
			t.Errorf("rating a reopened opinion: %d", st1)
		}
		post(town, url.Values{"event": {"reply"}, "outcome": {"resolved"}, "note": {"已修好"}}, 303)
		person.Get(track)
		if st1, _ = person.Post(track+"/rate", url.Values{"rating": {"satisfied"}}); st1 != 303 {
			t.Errorf("final rating: %d", st1)
		}
		post(town, url.Values{"event": {"close"}}, 303)
		// The person did not agree to the public board: not on it.
		if _, body = person.Get("/opinion/board"); strings.Contains(body, "楼道灯坏了") {
			t.Error("on the board without consent")
		}
		if _, body = person.Get(track); !strings.Contains(body, "已办结") {
			t.Errorf("closed: %s", webtest.Excerpt(body))
		}
		// English.
		person.Lang = "en"
		if _, body = person.Get(track); !strings.Contains(body, "Closed") || !strings.Contains(body, "Resolved") {
			t.Errorf("en tracking: %s", webtest.Excerpt(body))
		}
		// Unknown token and reference.
		if st, _ := person.Get("/opinion/t/NOPE"); st != 404 {
			t.Errorf("unknown token: %d", st)
		}
		if st, _ := admin.Get("/inbox/YJNOPE"); st != 404 {
			t.Errorf("unknown ref: %d", st)
		}
	})
}

// Staff entry on behalf of someone, into the viewer's subtree only.
func TestStaffEntry(t *testing.T) {
	f := webtest.New(t, storetest.SQLite(t), voiceweb.New)
	sec := f.As("secretary")
	st, _, h := sec.Do("POST", "/inbox/new", strings.NewReader(url.Values{"org": {"V1"}, "channel": {"visit"}, "category": {"complaint"},
		"urgency": {"urgent"}, "content": {"走访中群众反映排水不畅"}}.Encode()), "application/x-www-form-urlencoded")
	if st != 303 || !strings.HasPrefix(h.Get("Location"), "/inbox/YJ") {
		t.Fatalf("entry: %d %v", st, h)
	}
	_, body := sec.Get(h.Get("Location"))
	if !strings.Contains(body, "上门走访") || !strings.Contains(body, "紧急") || !strings.Contains(body, `id="deadline"`) {
		t.Errorf("entered opinion: %s", webtest.Excerpt(body))
	}
	if st, _ := sec.Post("/inbox/new", url.Values{"org": {"V3"}, "channel": {"visit"}, "category": {"help"}, "content": {"x"}}); st != 422 {
		t.Errorf("entry outside the subtree: %d", st)
	}
}

// Both languages have every message of the feature, with the same
// arguments.
func TestTranslations(t *testing.T) {
	webtest.New(t, storetest.SQLite(t), voiceweb.New)
	if p := i18n.Problems(); len(p) > 0 {
		t.Errorf("translations:\n%s", strings.Join(p, "\n"))
	}
}

// The public form is rate-limited per client address.
func TestPublicRateLimit(t *testing.T) {
	old := voiceweb.PublicPerHour
	voiceweb.PublicPerHour = 3
	t.Cleanup(func() { voiceweb.PublicPerHour = old })
	f := webtest.New(t, storetest.SQLite(t), voiceweb.New)
	c := f.Client()
	form := url.Values{"org": {"V1"}, "category": {"help"}, "content": {"路灯坏了"}}
	for i := 0; i < 3; i++ {
		if st, _ := c.Post("/opinion", form); st != 303 {
			t.Fatalf("filing %d: %d", i+1, st)
		}
	}
	if st, body := c.Post("/opinion", form); st != http.StatusTooManyRequests || !strings.Contains(body, "频繁") {
		t.Errorf("fourth filing: %d", st)
	}
	var n int
	f.St.R().QueryRow(context.Background(), `SELECT COUNT(*) FROM opinions`).Scan(&n)
	if n != 3 {
		t.Errorf("%d opinions stored", n)
	}
}

// The public board shows answered opinions whose authors agreed, without
// their contact.
func TestPublicBoard(t *testing.T) {
	st := storetest.SQLite(t)
	f := webtest.New(t, st, voiceweb.New)
	v, _ := voice.New(st)
	ctx := context.Background()
	for i, n := range []voice.NewOpinion{
		{Channel: "web", Category: "suggestion", Content: "建议增设健身器材", OrgCode: "V1", Name: "赵某", Phone: "13600001111", PublicOK: true},
		{Channel: "web", Category: "suggestion", Content: "不公开的意见", OrgCode: "V1", Phone: "13600002222"},
		{Channel: "web", Category: "help", Content: "同意公开但未答复", OrgCode: "V1", PublicOK: true},
	} {
		rc, err := v.Receive(ctx, n, time.Now(), store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			continue
		}
		for _, c := range []voice.Change{{Kind: "accept"}, {Kind: "reply", Outcome: "resolved", Note: "已在广场安装"}} {
			if _, err := v.Record(ctx, rc.Ref, c, time.Now(), store.CLI); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, body := f.Client().Get("/opinion/board")
	if !strings.Contains(body, "建议增设健身器材") || !strings.Contains(body, "已在广场安装") {
		t.Errorf("board lacks the agreed answer: %s", webtest.Excerpt(body))
	}
	for _, hidden := range []string{"不公开的意见", "同意公开但未答复", "赵某", "13600001111"} {
		if strings.Contains(body, hidden) {
			t.Errorf("board shows %q", hidden)
		}
	}
}
