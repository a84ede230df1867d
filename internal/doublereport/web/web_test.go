package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/auth"
	"github.com/pingyi/pingyi/internal/doublereport"
	drweb "github.com/pingyi/pingyi/internal/doublereport/web"
	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web/webtest"
)

// fixture is the test tree with levels: T1, T2 streets; V1, V2, V3
// communities (villages). The member account's M2 and M3 are in service;
// M2 is registered with V1, M3 with V2; needs NV1 (V1, a project), WV1
// (V1, a wish for 李奶奶) and NV3 (V3).
func fixture(t *testing.T, st *store.Store) *webtest.Fixture {
	t.Helper()
	f := webtest.New(t, st, drweb.New)
	ctx := context.Background()
	d := doublereport.New(st)
	for code, l := range map[string]string{"D": "district", "T1": "street", "T2": "street", "V1": "community", "V2": "community", "V3": "community"} {
		if err := d.SetLevel(ctx, code, l, store.CLI); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.DB.Exec(`UPDATE members SET category = 'in_service' WHERE code IN ('M2', 'M3', 'M5')`); err != nil {
		t.Fatal(err)
	}
	today := store.Today()
	for _, reg := range [][2]string{{"M2", "V1"}, {"M3", "V1"}} {
		if _, err := d.Register(ctx, reg[0], reg[1], today, "一网格", "维修", store.CLI); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []doublereport.Need{
		{Code: "NV1", CommunityCode: "V1", Kind: "project", Title: "义诊活动", PublishedOn: today},
		{Code: "WV1", CommunityCode: "V1", Kind: "wish", Title: "一台轮椅", WishType: "material", Beneficiary: "李奶奶", PublishedOn: today},
		{Code: "NV3", CommunityCode: "V3", Kind: "project", Title: "清扫楼道", PublishedOn: today},
	} {
		if _, err := d.Publish(ctx, n, store.CLI); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func TestAuthz(t *testing.T) {
	st := storetest.SQLite(t)
	f := fixture(t, st)
	const login = http.StatusSeeOther
	objs := map[string]webtest.Objects{
		"community": {In: webtest.Same("V1"), Out: webtest.Same("V3")},
		"need":      {In: webtest.Same("NV1"), Out: webtest.Same("NV3")},
		"org":       {In: webtest.Same("V1"), Out: webtest.Same("V3")},
	}
	// anonymous, admin, org_admin (T1), secretary (V1), member (M2, V1), inspector (T1)
	table := []webtest.Case{
		{Route: "GET /service", In: webtest.Want{login, 200, 200, 200, 200, 200}},
		{Route: "POST /service/register", In: webtest.Want{login, 403, 403, 403, 303, 403}},
		// A member sees any community's wall (no personal data); staff only
		// their subtree's.
		{Route: "GET /service/communities/{code}", Obj: "community", In: webtest.Want{login, 200, 200, 200, 200, 200}, Out: webtest.Want{login, 200, 404, 404, 200, 404}},
		// Empty forms: refused with a message (303 back to the page).
		{Route: "POST /service/communities/{code}/needs", Obj: "community", In: webtest.Want{login, 303, 303, 303, 403, 403}, Out: webtest.Want{login, 303, 404, 404, 403, 403}},
		{Route: "POST /service/needs/{code}/claim", Obj: "need", In: webtest.Want{login, 403, 403, 403, 303, 403}, Out: webtest.Want{login, 403, 403, 403, 303, 403}},
		{Route: "POST /service/needs/{code}/cancel", Obj: "need", In: webtest.Want{login, 403, 403, 403, 303, 403}, Out: webtest.Want{login, 403, 403, 403, 303, 403}},
		{Route: "POST /service/needs/{code}/complete", Obj: "need", In: webtest.Want{login, 403, 403, 403, 303, 403}, Out: webtest.Want{login, 403, 403, 403, 303, 403}},
		{Route: "POST /service/needs/{code}/confirm", Obj: "need", In: webtest.Want{login, 303, 303, 303, 403, 403}, Out: webtest.Want{login, 303, 404, 404, 403, 403}},
		{Route: "GET /wall/{code}", Obj: "community", In: webtest.All(200), Out: webtest.All(200)},
		{Route: "GET /service/orgs/{code}/tables", Obj: "org", In: webtest.Want{login, 200, 200, 200, 403, 200}, Out: webtest.Want{login, 200, 404, 404, 403, 404}},
		{Route: "GET /service/orgs/{code}/tables.xlsx", Obj: "org", In: webtest.Want{login, 200, 200, 200, 403, 200}, Out: webtest.Want{login, 200, 404, 404, 403, 404}},
	}
	feat, _ := drweb.New(f.Srv, st)
	webtest.Authz(t, f, feat.Routes(), table, objs)
	webtest.WritesRefuseInspectors(t, f, feat.Routes())
	// Not a community: 404 everywhere.
	for _, path := range []string{"/wall/T1", "/wall/NOPE"} {
		if st, _ := f.Client().Get(path); st != 404 {
			t.Errorf("%s = %d", path, st)
		}
	}
	if st, _ := f.As("admin").Get("/service/communities/T1"); st != 404 {
		t.Errorf("a street's community page = %d", st)
	}
}

// The member's path on the phone: wall → claim → complete; the community
// confirms; personal data only to those who manage it.
func TestClaimCompleteConfirm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := fixture(t, st)
		m := f.As("member")
		code, body := m.Get("/service/communities/V1")
		if code != 200 || !strings.Contains(body, "/service/needs/NV1/claim") {
			t.Fatalf("wall %d:\n%s", code, webtest.Excerpt(body))
		}
		if strings.Contains(body, "李奶奶") {
			t.Error("a member sees the beneficiary")
		}
		if code, _ := m.Post("/service/needs/NV1/claim", nil); code != 303 {
			t.Fatalf("claim %d", code)
		}
		_, body = m.Get("/service/communities/V1")
		if !strings.Contains(body, "/service/needs/NV1/complete") {
			t.Errorf("no complete form after the claim:\n%s", webtest.Excerpt(body))
		}
		// Hours must be > 0.
		m.Post("/service/needs/NV1/complete", url.Values{"hours": {"0"}})
		if n, _ := doublereport.New(st).NeedByCode(context.Background(), "NV1"); n.State != "claimed" {
			t.Errorf("0 hours accepted: %s", n.State)
		}
		if code, _ := m.Post("/service/needs/NV1/complete", url.Values{"hours": {"2.5"}, "note": {"量血压"}}); code != 303 {
			t.Fatalf("complete %d", code)
		}
		// Another member cannot claim a need of a community they are not
		// registered with: M2 and NV3 (V3).
		m.Post("/service/needs/NV3/claim", nil)
		if n, _ := doublereport.New(st).NeedByCode(context.Background(), "NV3"); n.State != "open" {
			t.Errorf("NV3 claimed by an unregistered member: %s", n.State)
		}
		// The community (org admin of T1) sees the beneficiary and the
		// registrants, confirms in Chinese or English.
		oa := f.As("orgadmin")
		_, body = oa.Get("/service/communities/V1")
		if !strings.Contains(body, "李奶奶") || !strings.Contains(body, "/service/needs/NV1/confirm") || !strings.Contains(body, "registrants") {
			t.Errorf("community page for its admin:\n%s", webtest.Excerpt(body))
		}
		if code, _ := oa.Post("/service/needs/NV1/confirm", url.Values{"rating": {"满意"}}); code != 303 {
			t.Fatalf("confirm %d", code)
		}
		n, _ := doublereport.New(st).NeedByCode(context.Background(), "NV1")
		if n.State != "confirmed" || n.Events != 3 {
			t.Errorf("NV1 %+v", n)
		}
		// The other town's admin does not see V1 at all.
		if code, _ := f.As("orgadmin2").Get("/service/communities/V1"); code != 404 {
			t.Errorf("orgadmin2: %d", code)
		}
		if code, _ := f.As("orgadmin2").Post("/service/needs/WV1/confirm", url.Values{"rating": {"satisfied"}}); code != 404 {
			t.Errorf("orgadmin2 confirms: %d", code)
		}
		// The public wall: titles, no beneficiary, no names.
		_, body = f.Client().Get("/wall/V1")
		if !strings.Contains(body, "一台轮椅") || !strings.Contains(body, "义诊活动") || strings.Contains(body, "李奶奶") || strings.Contains(body, "李秀英") {
			t.Errorf("public wall:\n%s", webtest.Excerpt(body))
		}
		// English.
		en := f.Client()
		en.Lang = "en"
		if _, body := en.Get("/wall/V1"); !strings.Contains(body, "Wish wall of") || !strings.Contains(body, "Micro-wish") {
			t.Errorf("english wall:\n%s", webtest.Excerpt(body))
		}
		// The member's home page shows the record of the year.
		_, body = m.Get("/service")
		if !strings.Contains(body, "2.50") {
			t.Errorf("member home:\n%s", webtest.Excerpt(body))
		}
		// The staff publish a wish; a wish without its type is refused.
		oa.Post("/service/communities/V2/needs", url.Values{"kind": {"wish"}, "title": {"书包"}})
		oa.Post("/service/communities/V2/needs", url.Values{"kind": {"wish"}, "title": {"书包"}, "wish_type": {"material"}, "beneficiary": {"小明"}})
		ns, _ := doublereport.New(st).CommunityNeeds(context.Background(), mustCommunity(t, st, "V2"), "")
		if len(ns) != 1 || ns[0].WishType != "material" {
			t.Errorf("published %+v", ns)
		}
	})
}

func mustCommunity(t *testing.T, st *store.Store, code string) int64 {
	id, _, _, err := doublereport.New(st).CommunityOf(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// Two members claim one need from their phones at the same moment: one
// wins, the other is told it was taken.
func TestConcurrentClaimsHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := fixture(t, st)
		// M3 (registered with V1 too) gets an account of its own.
		ctx := context.Background()
		d := doublereport.New(st)
		m3, _, err := st.Member(ctx, "M3")
		if err != nil {
			t.Fatal(err)
		}
		h, _ := auth.HashWith(storetest.Password("member3"), storetest.CheapHash)
		v2, _ := st.Org(ctx, "V2")
		if err := st.CreateUser(ctx, &pingyi.User{Username: "member3", PasswordHash: h, Role: pingyi.RoleMember, OrgID: v2.ID, MemberID: m3.ID}, store.CLI); err != nil {
			t.Fatal(err)
		}
		clients := []*webtest.Client{f.As("member"), f.As("member3")}
		for round := 0; round < 3; round++ {
			code := []string{"NV1", "WV1", "NV1"}[round]
			if round == 2 { // back to open
				n, _ := d.NeedByCode(ctx, code)
				d.Apply(ctx, code, doublereport.Step{Event: "cancel", On: store.Today(), MemberCode: n.ClaimerCode}, store.CLI)
			}
			var wg sync.WaitGroup
			for _, c := range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c.Post("/service/needs/"+code+"/claim", nil)
				}()
			}
			wg.Wait()
			n, _ := d.NeedByCode(ctx, code)
			if n.State != "claimed" || (n.ClaimerCode != "M2" && n.ClaimerCode != "M3") {
				t.Errorf("round %d: %s %+v", round, code, n)
			}
			// The loser's page says it was taken.
			told := 0
			for _, c := range clients {
				if _, body := c.Get("/service/communities/V1"); strings.Contains(body, "这项需求刚刚被其他人认领了") {
					told++
				}
			}
			if told != 1 {
				t.Errorf("round %d: %d members told the need was taken", round, told)
			}
		}
		var claims int
		st.DB.QueryRow(`SELECT COUNT(*) FROM dr_events WHERE event = 'claim'`).Scan(&claims)
		if claims != 3 {
			t.Errorf("%d claims stored for 3 rounds", claims)
		}
	})
}

// Every message of the feature is in both languages with the same fields,
// and every key the templates use exists.
func TestTranslations(t *testing.T) {
	st := storetest.SQLite(t)
	f := fixture(t, st)
	if p := i18n.Problems(); len(p) > 0 {
		t.Errorf("translation problems:\n%s", strings.Join(p, "\n"))
	}
	for _, lang := range []string{"zh-CN", "en"} {
		for _, who := range []string{"member", "orgadmin", ""} {
			c := f.As(who)
			c.Lang = lang
			for _, path := range []string{"/service", "/service/communities/V1", "/wall/V1"} {
				if who == "" && path != "/wall/V1" {
					continue
				}
				_, body := c.Get(path)
				if strings.Contains(body, "service.") || strings.Contains(body, "nav.service") {
					t.Errorf("%s %s as %q: an untranslated key:\n%s", lang, path, who, webtest.Excerpt(body))
				}
			}
		}
	}
}

// The dashboard: a member's claimed needs; the community's completions to
// confirm; nothing of V1 for the other town's admin.
func TestDashboardTasks(t *testing.T) {
	st := storetest.SQLite(t)
	f := fixture(t, st)
	m := f.As("member")
	m.Post("/service/needs/NV1/claim", nil)
	if _, b := m.Get("/"); !strings.Contains(b, "您认领的 1 项需求尚未完成") {
		t.Errorf("member's dashboard:\n%s", webtest.Excerpt(b))
	}
	m.Post("/service/needs/NV1/complete", url.Values{"hours": {"1"}})
	if _, b := f.As("orgadmin").Get("/"); !strings.Contains(b, "1 项服务已完成，等待确认评价") {
		t.Errorf("org admin's dashboard:\n%s", webtest.Excerpt(b))
	}
	if _, b := f.As("orgadmin2").Get("/"); strings.Contains(b, "等待确认评价") {
		t.Error("the other town's admin sees V1's task")
	}
}

// The tables of a town in the browser and as the filed workbook.
func TestTablesExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := fixture(t, st)
		m := f.As("member")
		m.Post("/service/needs/NV1/claim", nil)
		m.Post("/service/needs/NV1/complete", url.Values{"hours": {"2"}})
		oa := f.As("orgadmin")
		today := store.Today()
		h := today[:4] + "H1"
		if today[5:7] > "06" {
			h = today[:4] + "H2"
		}
		code, body := oa.Get("/service/orgs/T1/tables?half=" + h)
		// V1: M2 in service, registered, one claim, one complete of 2 h;
		// V2: M3 in service, registered with V1.
		if code != 200 || !strings.Contains(body, "<td>V1</td><td>1</td><td>1</td><td>100.00</td><td>1</td><td>0</td><td>1</td><td>2.00</td>") {
			t.Errorf("tables %d:\n%s", code, webtest.Excerpt(body))
		}
		code, body, hdr := oa.Do("GET", "/service/orgs/T1/tables.xlsx?by=community&half="+h, nil, "")
		if code != 200 || !strings.Contains(hdr.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("xlsx %d %s", code, hdr.Get("Content-Type"))
		}
		x, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows(x.GetSheetName(0))
		// V1 and V2 are T1's communities: V1 has M2 and M3, 2 needs, one
		// claimed and completed.
		if len(rows) != 6 || rows[2][0] != "社区" || rows[3][0] != "V1" || rows[3][1] != "2" || rows[5][0] != "合计" {
			t.Errorf("xlsx rows %q", rows)
		}
		if code, _ := oa.Get("/service/orgs/T1/tables?half=2026H3"); code != 400 {
			t.Errorf("bad half: %d", code)
		}
	})
}

// The public wall is cached, but a change made on the pages shows at once.
func TestWallCacheFollowsChanges(t *testing.T) {
	st := storetest.SQLite(t)
	f := fixture(t, st)
	c := f.Client()
	if _, b := c.Get("/wall/V2"); strings.Contains(b, "新书包") {
		t.Fatal("not published yet")
	}
	f.As("orgadmin").Post("/service/communities/V2/needs", url.Values{"kind": {"wish"}, "title": {"新书包"}, "wish_type": {"material"}})
	if _, b := c.Get("/wall/V2"); !strings.Contains(b, "新书包") {
		t.Errorf("the wall did not follow the publication:\n%s", webtest.Excerpt(b))
	}
}
