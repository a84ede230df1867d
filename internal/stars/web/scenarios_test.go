package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	shell "github.com/pingyi/pingyi/internal/web"
	"github.com/pingyi/pingyi/internal/web/webtest"
)

// Star management through the real handler on both databases (see the
// fixture tree in web_test.go: V1 has M1 张建国, the secretary, and M2
// 李秀英, the member account; both cadre/farming, cap 10).

var (
	thisYear = time.Now().Year()
	yq       = "?year=" + strconv.Itoa(thisYear)
	today    = time.Now().Format("2006-01-02")
)

func starForm(vals ...string) url.Values {
	f := url.Values{"year": {strconv.Itoa(thisYear)}}
	for i, s := range pingyi.Stars {
		if i < len(vals) {
			f.Set(string(s), vals[i])
		}
	}
	return f
}

func with(f url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, v := range f {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

func goalOf(t *testing.T, f *webtest.Fixture, code string) *stars.Goal {
	t.Helper()
	g, err := stars.New(f.St).Goal(context.Background(), thisYear, code)
	if err != nil {
		t.Fatalf("goal of %s: %v", code, err)
	}
	return g
}

func TestStarScenarios(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := webtest.New(t, db, New)
		goal := url.Values{"year": {strconv.Itoa(thisYear)}, "stars_aimed": {"9"}, "post": {stars.PostTechDemo},
			"post_note": {"带头种植大棚蔬菜"}, "household1": {"王大爷家"}, "household2": {"赵婶家"}, "measures": {"每月走访联系户两次"}}
		logEntry := url.Values{"year": {strconv.Itoa(thisYear)}, "day": {today}, "kind": {stars.LogHouseholdService},
			"served": {"王大爷家"}, "people": {"2"}, "content": {"帮王大爷家修好了水管"}}
		webtest.Run(t, f, []webtest.Scenario{
			// 责任书: the member saves and signs; the secretary signs and publicizes.
			{Name: "member sees own star page", As: "member", Path: "/stars/members/M2" + yq, Status: 200,
				Has: []string{"李秀英", "争创星级目标责任书", "保存并以党员身份签字", "科技示范岗"}, HasNot: []string{"保存并以书记身份签字", "13800002222"}},
			{Name: "member's goal without a post is refused", As: "member", Method: "POST", Path: "/stars/members/M2/goal",
				Form: with(goal, "post", ""), Status: 422, Has: []string{"认领岗位", "带头种植大棚蔬菜"}},
			{Name: "member saves and signs", As: "member", Method: "POST", Path: "/stars/members/M2/goal",
				Form: with(goal, "sign", "member", "public", "1"), Status: 303, After: func(t *testing.T, f *webtest.Fixture) {
					g := goalOf(t, f, "M2")
					if g.MemberSigned != today || g.SecretarySigned != "" || g.StarsAimed != 9 || g.Post != stars.PostTechDemo || g.Household2 != "赵婶家" {
						t.Errorf("goal after the member signed: %+v", g)
					}
					if g.Public {
						t.Error("a member publicized their own goal")
					}
				}},
			{Name: "member cannot sign as secretary", As: "member", Method: "POST", Path: "/stars/members/M2/goal",
				Form: with(goal, "sign", "secretary"), Status: 403},
			{Name: "secretary cannot sign as the member", As: "secretary", Method: "POST", Path: "/stars/members/M2/goal",
				Form: with(goal, "sign", "member"), Status: 403},
			{Name: "secretary signs and publicizes", As: "secretary", Method: "POST", Path: "/stars/members/M2/goal",
				Form: with(goal, "sign", "secretary", "public", "1"), Status: 303, After: func(t *testing.T, f *webtest.Fixture) {
					g := goalOf(t, f, "M2")
					if g.MemberSigned != today || g.SecretarySigned != today || !g.Public {
						t.Errorf("goal after the secretary signed: %+v", g)
					}
				}},
			{Name: "both signatures show", As: "secretary", Path: "/stars/members/M2" + yq, Status: 200,
				Has: []string{`id="member-signed"`, `id="secretary-signed"`, "已公示"}},
			{Name: "a custom post", As: "secretary", Method: "POST", Path: "/stars/members/M1/goal",
				Form: with(goal, "post", "custom", "post_custom", "环境卫生监督岗"), Status: 303, After: func(t *testing.T, f *webtest.Fixture) {
					if g := goalOf(t, f, "M1"); g.Post != "环境卫生监督岗" {
						t.Errorf("custom post stored as %q", g.Post)
					}
				}},
			{Name: "changing a signed book clears its signatures", As: "member", Method: "POST", Path: "/stars/members/M2/goal",
				Form: with(goal, "measures", "每月走访联系户三次"), Status: 303, After: func(t *testing.T, f *webtest.Fixture) {
					g := goalOf(t, f, "M2")
					if g.MemberSigned != "" || g.SecretarySigned != "" || !g.Public {
						t.Errorf("goal after a change: %+v", g)
					}
				}},
			{Name: "sign again", As: "member", Method: "POST", Path: "/stars/members/M2/goal",
				Form: with(goal, "measures", "每月走访联系户三次", "sign", "member"), Status: 303},
			{Name: "the secretary signs again", As: "secretary", Method: "POST", Path: "/stars/members/M2/goal",
				Form: with(goal, "measures", "每月走访联系户三次", "sign", "secretary", "public", "1"), Status: 303},
			{Name: "inspector reads without a form", As: "inspector", Path: "/stars/members/M2" + yq, Status: 200,
				Has: []string{"每月走访联系户三次", "disabled"}, HasNot: []string{"保存并以党员身份签字", "13800002222"}},

			// 纪实: a member writes their own logbook only.
			{Name: "member's logbook page", As: "member", Path: "/stars/members/M2/log" + yq, Status: 200,
				Has: []string{"争创纪实", `name="content"`, `type="file"`, "联户服务纪实", "还没有纪实"}},
			{Name: "member adds an entry", As: "member", Method: "POST", Path: "/stars/members/M2/log", Form: logEntry, Status: 303,
				After: func(t *testing.T, f *webtest.Fixture) {
					es, err := stars.New(f.St).Log(context.Background(), pingyi.Scope{}, stars.LogFilter{MemberCode: "M2"})
					if err != nil || len(es) != 1 || es[0].Content != "帮王大爷家修好了水管" || es[0].People != 2 {
						t.Errorf("logbook of M2: %+v, %v", es, err)
					}
				}},
			{Name: "member cannot add to another member's logbook", As: "member", Method: "POST", Path: "/stars/members/M1/log",
				Form: logEntry, Status: 404, After: func(t *testing.T, f *webtest.Fixture) {
					es, _ := stars.New(f.St).Log(context.Background(), pingyi.Scope{}, stars.LogFilter{MemberCode: "M1"})
					if len(es) != 0 {
						t.Errorf("M1's logbook has %d entries", len(es))
					}
				}},
			{Name: "member cannot read another member's logbook", As: "member", Path: "/stars/members/M1/log" + yq, Status: 404},
			{Name: "an entry without content is refused", As: "member", Method: "POST", Path: "/stars/members/M2/log",
				Form: with(logEntry, "content", ""), Status: 422, Has: []string{"内容", "王大爷家"}},
			{Name: "the entry is listed", As: "member", Path: "/stars/members/M2/log" + yq, Status: 200,
				Has: []string{"帮王大爷家修好了水管", "2 人", "本月 1 条"}},

			// The branch: who has done nothing this month stands out.
			{Name: "branch flags the idle", As: "secretary", Path: "/stars/orgs/V1" + yq, Status: 200,
				Has: []string{`id="idle"`, `<tr id="m-M1" class="idle">`, `<tr id="m-M2">`, `id="idle-count">1<`, "争创 9/10 星", "双方已签"}},
			{Name: "branch page of another subtree", As: "orgadmin2", Path: "/stars/orgs/V1" + yq, Status: 404},
			{Name: "overview", As: "orgadmin", Path: "/stars" + yq, Status: 200,
				Has:    []string{"中共东湖镇委员会", "东湖村党支部", "西湖村党支部", `id="stars-chart-data"`, "echarts.min.js", "js/stars.js"},
				HasNot: []string{"南山村"}},
			{Name: "member's overview is their own page", As: "member", Path: "/stars" + yq, Status: 303},

			// The quarterly bulletin.
			{Name: "bulletin page", As: "secretary", Path: fmt.Sprintf("/stars/orgs/V1/bulletin%s&q=%d", yq, currentQuarter(thisYear)), Status: 200,
				Has: []string{"季度通报", fmt.Sprintf("%d年第%d季度", thisYear, currentQuarter(thisYear)), "李秀英", "张建国", "本季度无纪实记录", "存在的问题", "改进建议"}},
			{Name: "bulletin of an unknown quarter", As: "secretary", Path: "/stars/orgs/V1/bulletin" + yq + "&q=5", Status: 404},

			// 三评 and the committee's rating.
			{Name: "self-assessment", As: "member", Method: "POST", Path: "/stars/members/M2/assessment",
				Form: with(starForm("2", "2", "2", "2", "2"), "kind", "self"), Status: 303},
			{Name: "a member records no mass assessment", As: "member", Method: "POST", Path: "/stars/members/M2/assessment",
				Form: with(starForm("2", "2", "2", "2", "2"), "kind", "mass"), Status: 403},
			{Name: "mass assessment by the secretary", As: "secretary", Method: "POST", Path: "/stars/members/M2/assessment",
				Form: with(starForm("1", "1", "1", "1", "1"), "kind", "mass"), Status: 303},
			{Name: "peer page", As: "secretary", Path: "/stars/peer" + yq, Status: 200, Has: []string{"李秀英"}, HasNot: []string{"张建国</h2>"}},
			{Name: "peer assessment", As: "secretary", Method: "POST", Path: "/stars/peer",
				Form: with(starForm("2", "1", "2", "1", "2"), "member_code", "M2"), Status: 303},
			{Name: "no peer assessment outside the branch", As: "member", Method: "POST", Path: "/stars/peer",
				Form: with(starForm("2", "1", "2", "1", "2"), "member_code", "M3"), Status: 404},
			{Name: "the suggestion", As: "secretary", Path: "/stars/members/M2" + yq, Status: 200,
				Has: []string{`id="suggestion"`, "采纳建议（"}},
			{Name: "accept the suggestion", As: "secretary", Method: "POST", Path: "/stars/members/M2/rating",
				Form: url.Values{"year": {strconv.Itoa(thisYear)}, "accept": {"1"}}, Status: 303, After: func(t *testing.T, f *webtest.Fixture) {
					r, err := stars.New(f.St).Rating(context.Background(), thisYear, "M2")
					// self 2, peer (2,1,2,1,2), mass 1 with 0.2/0.3/0.5: 1.5→2, 1.2→1, 1.5→2, 1.2→1, 1.5→2
					if err != nil || r.Total != 8 {
						t.Errorf("rating of M2 after accepting: %+v, %v", r, err)
					}
				}},
			{Name: "no suggestion to accept", As: "secretary", Method: "POST", Path: "/stars/members/M1/rating",
				Form: url.Values{"year": {strconv.Itoa(thisYear)}, "accept": {"1"}}, Status: 422, Has: []string{"三评尚不完整"}},
			{Name: "half-year pre-assessment", As: "secretary", Method: "POST", Path: "/stars/members/M2/preassessment",
				Form: with(starForm("2", "2", "1", "1", "1"), "debrief", "上半年走访联系户 6 次"), Status: 303},
		})
	})
}

func TestStarFinalize(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := webtest.New(t, db, New)
		webtest.Run(t, f, []webtest.Scenario{
			{Name: "rate M1 excellent", As: "secretary", Method: "POST", Path: "/stars/members/M1/rating", Form: starForm("2", "2", "2", "2", "2"), Status: 303},
			{Name: "rate M2 excellent", As: "secretary", Method: "POST", Path: "/stars/members/M2/rating", Form: starForm("2", "2", "2", "2", "1"), Status: 303},
			{Name: "projected levels before finalizing", As: "orgadmin", Path: "/stars" + yq, Status: 200,
				Has: []string{"本年度尚未最终确定星级", `id="stars-excellent">2<`}},
			{Name: "a bad value", As: "secretary", Method: "POST", Path: "/stars/members/M2/rating", Form: starForm("3", "2", "2", "2", "1"), Status: 422,
				Has: []string{"思想政治星"}},
			{Name: "the quota shows before finalizing", As: "secretary", Path: "/stars/orgs/V1" + yq, Status: 200,
				Has: []string{`<tr class="over"><td class="num">10</td><td class="num">2</td><td class="num">2</td><td class="num">0</td>`, "超出比例"}},
			{Name: "finalize is refused", As: "secretary", Method: "POST", Path: "/stars/orgs/V1/finalize", Form: url.Values{"year": {strconv.Itoa(thisYear)}},
				Status: 409, Has: []string{`id="violations"`, "<code>V1</code> 东湖村党支部", `<td class="num">10</td><td class="num">2</td><td class="num">0</td><td class="num">2</td>`},
				After: func(t *testing.T, f *webtest.Fixture) {
					if rs, _ := stars.New(f.St).Results(context.Background(), pingyi.Scope{}, thisYear, ""); len(rs) != 0 {
						t.Errorf("a refused finalization stored %d results", len(rs))
					}
				}},
			{Name: "the org admin above is refused too", As: "orgadmin", Method: "POST", Path: "/stars/orgs/T1/finalize", Form: url.Values{"year": {strconv.Itoa(thisYear)}},
				Status: 409, Has: []string{"<code>V1</code> 东湖村党支部"}},
			{Name: "revise M1", As: "secretary", Method: "POST", Path: "/stars/members/M1/rating", Form: starForm("2", "2", "2", "1", "1"), Status: 303},
			{Name: "revise M2", As: "secretary", Method: "POST", Path: "/stars/members/M2/rating", Form: starForm("1", "1", "1", "0", "0"), Status: 303},
			{Name: "finalize succeeds", As: "secretary", Method: "POST", Path: "/stars/orgs/V1/finalize", Form: url.Values{"year": {strconv.Itoa(thisYear)}},
				Status: 303, After: func(t *testing.T, f *webtest.Fixture) {
					rs, err := stars.New(f.St).Results(context.Background(), pingyi.Scope{}, thisYear, "")
					if err != nil || len(rs) != 2 || rs[0].Level != pingyi.LevelGood || rs[1].Level != pingyi.LevelPoor {
						t.Errorf("results: %+v, %v", rs, err)
					}
				}},
			{Name: "results on the branch page", As: "secretary", Path: "/stars/orgs/V1" + yq, Status: 200,
				Has: []string{"lv-good", "lv-poor", "较差"}, HasNot: []string{`id="violations"`}},
			{Name: "the lagging list", As: "orgadmin", Path: "/stars/lists" + yq, Status: 200,
				Has: []string{"后进党员（1 人）", "李秀英", "本支部无优秀党员"}},
			{Name: "a follow-up needs a helper when none was paired", As: "secretary", Method: "POST", Path: "/stars/members/M2/followups",
				Form: url.Values{"year": {strconv.Itoa(thisYear)}, "day": {today}, "note": {"谈心谈话"}}, Status: 422},
			{Name: "a follow-up with a helper", As: "secretary", Method: "POST", Path: "/stars/members/M2/followups",
				Form: url.Values{"year": {strconv.Itoa(thisYear)}, "day": {today}, "note": {"谈心谈话，帮助制定整改措施"}, "helper_code": {"M1"}}, Status: 303},
			{Name: "the follow-up shows", As: "member", Path: "/stars/members/M2" + yq, Status: 200,
				Has: []string{"谈心谈话，帮助制定整改措施", "较差"}},
			{Name: "public results", Path: "/m/org/V1" + yq, Status: 200, Has: []string{"李秀英", "张建国", "lv-poor"}},
			{Name: "the district view counts the levels", As: "orgadmin", Path: "/stars" + yq, Status: 200,
				Has:    []string{`id="stars-rated">2<`, `id="stars-excellent">0<`, `id="stars-poor">1<`, `"poor":[1]`, `"names":["东湖村党支部"]`, "农村"},
				HasNot: []string{"本年度尚未最终确定星级"}},
			{Name: "the admin drills down from the district", As: "admin", Path: "/stars" + yq, Status: 200,
				Has: []string{`href="/stars?year=` + strconv.Itoa(thisYear) + `&amp;org=T1"`, `"names":["中共东湖镇委员会"]`, `id="stars-poor">1<`}},
		})
	})
}

func TestStarDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := webtest.NewWith(t, db, shell.Options{BaseURL: "https://pingyi.example.cn"}, New)
		ctx := context.Background()
		g := &stars.Goal{Year: thisYear, MemberCode: "M2", StarsAimed: 9, Post: stars.PostStability, Household1: "王大爷家", Measures: "调解邻里纠纷", Public: true}
		if err := stars.New(f.St).SaveGoal(ctx, g, store.CLI); err != nil {
			t.Fatal(err)
		}
		if err := stars.New(f.St).AddLogEntry(ctx, &stars.LogEntry{MemberCode: "M2", Day: today, Kind: stars.LogPostDuty, Content: "调解纠纷"}, store.CLI); err != nil {
			t.Fatal(err)
		}
		// A name that a spreadsheet would run as a formula.
		if _, err := f.St.ImportMembers(ctx, []store.MemberRow{{Line: 2, Code: "M6", Name: "=1+1", OrgCode: "V1", Category: "farming", IsSecretary: "false"}}, store.CLI); err != nil {
			t.Fatal(err)
		}
		c := f.As("secretary")
		q := currentQuarter(thisYear)

		st, body, h := c.Do("GET", fmt.Sprintf("/stars/orgs/V1/bulletin%s&q=%d&format=pdf", yq, q), nil, "")
		if st != 200 || !strings.HasPrefix(body, "%PDF") || h.Get("Content-Type") != "application/pdf" {
			t.Fatalf("bulletin PDF: %d %s %q", st, h.Get("Content-Type"), webtest.Excerpt(body))
		}
		if txt, ok := pdfToText(t, []byte(body)); ok && (!strings.Contains(txt, "李秀英") || !strings.Contains(txt, "存在问题")) {
			t.Errorf("bulletin PDF text lacks the member or the problems column:\n%s", txt)
		}

		st, body, h = c.Do("GET", fmt.Sprintf("/stars/orgs/V1/bulletin%s&q=%d&format=xlsx", yq, q), nil, "")
		if st != 200 || !strings.Contains(h.Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("bulletin XLSX: %d %v", st, h)
		}
		x, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatalf("the bulletin does not open with excelize: %v", err)
		}
		rows, err := x.GetRows("季度通报")
		if err != nil || len(rows) < 5 {
			t.Fatalf("sheet 季度通报: %v rows, %v", len(rows), err)
		}
		if !strings.Contains(rows[0][0], "季度党员争创星级情况通报") {
			t.Errorf("title row %q", rows[0])
		}
		head := strings.Join(rows[1], ",")
		for _, want := range []string{"序号", "姓名", "争创目标", "联户服务纪实", "岗位履职纪实", "为民服务活动", "存在问题", "改进建议"} {
			if !strings.Contains(head, want) {
				t.Errorf("header %q lacks %q", head, want)
			}
		}
		found := false
		for _, r := range rows[2:] {
			if len(r) > 6 && r[1] == "李秀英" && r[3] == "9/10" && r[6] == "1" {
				found = true
			}
		}
		if !found {
			t.Errorf("no line for 李秀英 with her goal and one post-duty entry: %q", rows)
		}
		formula := false
		for _, r := range rows {
			for _, cell := range r {
				if cell == "'=1+1" {
					formula = true
				} else if strings.HasPrefix(cell, "=") {
					t.Errorf("a cell of the bulletin starts with =: %q", cell)
				}
			}
		}
		if !formula {
			t.Errorf("the member named =1+1 is not in the bulletin as text: %q", rows)
		}
		x.Close()

		// Door plates: one member, the whole branch.
		for _, p := range []string{"/stars/members/M2/plate" + yq, "/stars/orgs/V1/plates" + yq} {
			st, body, h := c.Do("GET", p, nil, "")
			if st != 200 || !strings.HasPrefix(body, "%PDF") || h.Get("Content-Type") != "application/pdf" {
				t.Fatalf("%s: %d %q", p, st, webtest.Excerpt(body))
			}
			if txt, ok := pdfToText(t, []byte(body)); ok && !strings.Contains(txt, "李秀英") {
				t.Errorf("%s: the plate lacks the member's name:\n%s", p, txt)
			}
		}
		// The QR code points at the base URL.
		if u := f.Srv.Features()[0].(*Feature).publicMemberURL(httptestRequest(), "M2"); u != "https://pingyi.example.cn/m/M2" {
			t.Errorf("door plate URL %q", u)
		}
	})
}

func httptestRequest() *http.Request {
	r, _ := http.NewRequest("GET", "http://localhost/", nil)
	return r
}

// pdfToText extracts a PDF's text with poppler's pdftotext, if installed.
func pdfToText(t *testing.T, b []byte) (string, bool) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		return "", false
	}
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(b)
	out, err := cmd.Output()
	if err != nil {
		t.Errorf("pdftotext: %v", err)
		return "", false
	}
	return string(out), true
}

func TestStarPublicPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := webtest.New(t, db, New)
		ctx := context.Background()
		for _, g := range []*stars.Goal{
			{Year: thisYear, MemberCode: "M1", StarsAimed: 10, Post: stars.PostVillageAffairs, Household1: "甲户", Measures: "带头修路", Public: true},
			{Year: thisYear, MemberCode: "M2", StarsAimed: 8, Post: stars.PostTechDemo, Household1: "乙户", Measures: "不公开的措施", Public: false},
		} {
			if err := stars.New(f.St).SaveGoal(ctx, g, store.CLI); err != nil {
				t.Fatal(err)
			}
		}
		webtest.Run(t, f, []webtest.Scenario{
			{Name: "comment", Method: "POST", Path: "/m/M1/comments", Form: url.Values{"text": {"张书记帮我们修好了路，谢谢"}}, Status: 303},
			{Name: "another comment", Method: "POST", Path: "/m/M1/comments", Form: url.Values{"text": {"待审核的留言"}}, Status: 303},
			{Name: "an empty comment", Method: "POST", Path: "/m/M1/comments", Form: url.Values{"text": {"  "}}, Status: 422, Has: []string{"请填写留言内容"}},
			{Name: "unknown member", Path: "/m/NOPE", Status: 404},
			{Name: "the queue", As: "secretary", Path: "/stars/comments", Status: 200, Has: []string{"张书记帮我们修好了路", "待审核的留言", "通过"}},
			{Name: "another subtree's queue", As: "orgadmin2", Path: "/stars/comments", Status: 200, HasNot: []string{"张书记帮我们修好了路"}},
		})
		cs, err := stars.New(f.St).Comments(ctx, pingyi.Scope{}, stars.CommentPending)
		if err != nil || len(cs) != 2 {
			t.Fatalf("pending comments: %v, %v", cs, err)
		}
		var approve string
		for _, c := range cs {
			if strings.HasPrefix(c.Text, "张书记") {
				approve = strconv.FormatInt(c.ID, 10)
			}
		}
		webtest.Run(t, f, []webtest.Scenario{
			{Name: "outside the subtree", As: "orgadmin2", Method: "POST", Path: "/stars/comments/" + approve, Form: url.Values{"status": {"approved"}}, Status: 404},
			{Name: "approve", As: "secretary", Method: "POST", Path: "/stars/comments/" + approve, Form: url.Values{"status": {"approved"}}, Status: 303},
			{Name: "public page", Path: "/m/M1", Status: 200,
				Has:    []string{"张建国", "东湖村党支部", "带头修路", "村务协助岗", "甲户", "张书记帮我们修好了路"},
				HasNot: []string{"待审核的留言", storetest.PhoneM1, storetest.IDM1, "138****1111"}},
			{Name: "a goal not publicized stays hidden", Path: "/m/M2", Status: 200,
				Has: []string{"李秀英", "本年度责任书尚未公示"}, HasNot: []string{"不公开的措施", "13800002222"}},
			{Name: "the branch's publicity", Path: "/m/org/V1", Status: 200,
				Has: []string{"带头修路", `href="/m/M1"`}, HasNot: []string{"不公开的措施", storetest.PhoneM1}},
		})
	})
}

func TestStarCommentRateLimit(t *testing.T) {
	f := webtest.New(t, storetest.SQLite(t), New)
	c := f.Client()
	for i := 1; i <= commentsPerHour; i++ {
		if st, body := c.Post("/m/M2/comments", url.Values{"text": {fmt.Sprintf("第%d条留言", i)}}); st != http.StatusSeeOther {
			t.Fatalf("comment %d: %d\n%s", i, st, webtest.Excerpt(body))
		}
	}
	st, body := c.Post("/m/M2/comments", url.Values{"text": {"第四条留言"}})
	if st != http.StatusTooManyRequests || !strings.Contains(body, "留言过于频繁") || !strings.Contains(body, "第四条留言") {
		t.Fatalf("4th comment within the hour: %d\n%s", st, webtest.Excerpt(body))
	}
	cs, _ := stars.New(f.St).Comments(context.Background(), pingyi.Scope{}, "")
	if len(cs) != commentsPerHour {
		t.Errorf("%d comments stored, want %d", len(cs), commentsPerHour)
	}
	// Another client address is not limited (a proxy names it).
	f2 := webtest.NewWith(t, storetest.SQLite(t), shell.Options{ClientIPHeader: "X-Real-IP"}, New)
	c2 := f2.Client()
	for i, ip := range []string{"10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.2"} {
		st, _, _ := c2.Do("POST", "/m/M2/comments", strings.NewReader(url.Values{"text": {"留言"}}.Encode()),
			"application/x-www-form-urlencoded", "X-Real-IP", ip)
		want := http.StatusSeeOther
		if i == 3 {
			want = http.StatusTooManyRequests
		}
		if st != want {
			t.Errorf("comment %d from %s: %d, want %d", i+1, ip, st, want)
		}
	}
}

func TestStarLogPhoto(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := webtest.New(t, db, New)
		c := f.As("member")
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for k, v := range map[string]string{"year": strconv.Itoa(thisYear), "day": today, "kind": stars.LogServiceActivity, "content": "清扫村道"} {
			mw.WriteField(k, v)
		}
		fw, _ := mw.CreateFormFile("photo", "a.png")
		io.Copy(fw, bytes.NewReader(tinyPNG()))
		mw.Close()
		if st, body, _ := c.Do("POST", "/stars/members/M2/log", &b, mw.FormDataContentType()); st != http.StatusSeeOther {
			t.Fatalf("entry with a photo: %d\n%s", st, webtest.Excerpt(body))
		}
		es, err := stars.New(f.St).Log(context.Background(), pingyi.Scope{}, stars.LogFilter{MemberCode: "M2"})
		if err != nil || len(es) != 1 || !es[0].HasPhoto {
			t.Fatalf("entries: %+v %v", es, err)
		}
		id := strconv.FormatInt(es[0].ID, 10)
		if _, body := c.Get("/stars/members/M2/log" + yq); !strings.Contains(body, `src="/stars/log/`+id+`/photo"`) {
			t.Errorf("the photo is not shown:\n%s", webtest.Excerpt(body))
		}
		st, body, h := c.Do("GET", "/stars/log/"+id+"/photo", nil, "")
		if st != 200 || h.Get("Content-Type") != "image/png" || !bytes.Equal([]byte(body), tinyPNG()) {
			t.Errorf("photo: %d %s", st, h.Get("Content-Type"))
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("photo headers: CSP %q, nosniff %q", csp, h.Get("X-Content-Type-Options"))
		}
		if st, _ := f.As("orgadmin2").Get("/stars/log/" + id + "/photo"); st != 404 {
			t.Errorf("photo outside the subtree: %d", st)
		}
		// Not an image: refused, nothing stored.
		b.Reset()
		mw = multipart.NewWriter(&b)
		for k, v := range map[string]string{"year": strconv.Itoa(thisYear), "day": today, "kind": stars.LogServiceActivity, "content": "x"} {
			mw.WriteField(k, v)
		}
		fw, _ = mw.CreateFormFile("photo", "a.png")
		io.WriteString(fw, "not an image at all")
		mw.Close()
		if st, body, _ := c.Do("POST", "/stars/members/M2/log", &b, mw.FormDataContentType()); st != 422 || !strings.Contains(body, "照片") {
			t.Errorf("a text file as photo: %d\n%s", st, webtest.Excerpt(body))
		}
		// The member deletes the entry; the secretary could too.
		if st, _ := c.Post("/stars/log/"+id+"/delete", nil); st != http.StatusSeeOther {
			t.Errorf("delete: %d", st)
		}
		if es, _ := stars.New(f.St).Log(context.Background(), pingyi.Scope{}, stars.LogFilter{MemberCode: "M2"}); len(es) != 0 {
			t.Errorf("%d entries left", len(es))
		}
	})
}

func TestStarImportAndRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := webtest.New(t, db, New)
		good := "member_code,ideology,compliance,civilization,joint_service,post_duty\nM1,2,2,2,2,1\nM3,2,1,2,,\n"
		bad := "member_code,ideology,compliance,civilization,joint_service,post_duty\nM1,2,2,3,2,1\nM3,2,1,2,2,\nNOPE,1,1,1,1,1\n"
		outside := "member_code,ideology,compliance,civilization,joint_service,post_duty\nM4,2,2,2,2,2\n"
		webtest.Run(t, f, []webtest.Scenario{
			{Name: "import page", As: "orgadmin", Path: "/stars/import", Status: 200, Has: []string{"导入星级", `name="year"`}},
			{Name: "a bad file names each line and column", As: "orgadmin", Method: "POST", Path: "/stars/import", File: &webtest.Upload{Name: "stars.csv", Content: bad},
				Status: 422, Has: []string{`<td class="num">2</td><td>文明创建星 <code>civilization</code>`, `<td class="num">3</td><td>联户服务星 <code>joint_service</code>`, `<td class="num">4</td><td>党员代码 <code>member_code</code>`},
				After: func(t *testing.T, f *webtest.Fixture) {
					if rs, _ := stars.New(f.St).Ratings(context.Background(), pingyi.Scope{}, thisYear); len(rs) != 0 {
						t.Errorf("a refused import stored %d ratings", len(rs))
					}
				}},
			{Name: "a member outside the org admin's subtree", As: "orgadmin", Method: "POST", Path: "/stars/import", File: &webtest.Upload{Name: "stars.csv", Content: outside},
				Status: 422, Has: []string{"M4 不在您的管理范围内"}},
			{Name: "a good file", As: "orgadmin", Method: "POST", Path: "/stars/import", File: &webtest.Upload{Name: "stars.csv", Content: good},
				Status: 200, Has: []string{fmt.Sprintf("%d 年星级已导入：新增 2", thisYear)}},
			{Name: "rules page", As: "orgadmin", Path: "/stars/rules" + yq, Status: 200, Has: []string{"使用默认规则", "disabled"}},
			{Name: "bad rules", As: "admin", Method: "POST", Path: "/stars/rules",
				Form: url.Values{"year": {strconv.Itoa(thisYear)}, "quota_percent": {"130"}, "excellent_10": {"9"}, "poor_10": {"3"}, "excellent_6": {"5"}, "poor_6": {"2"},
					"weight_self": {"0.2"}, "weight_peer": {"x"}, "weight_mass": {"0.5"}}, Status: 422, Has: []string{"quota_percent", "weight_peer"}},
			{Name: "rules", As: "admin", Method: "POST", Path: "/stars/rules",
				Form: url.Values{"year": {strconv.Itoa(thisYear)}, "quota_percent": {"50"}, "excellent_10": {"8"}, "poor_10": {"3"}, "excellent_6": {"5"}, "poor_6": {"2"},
					"weight_self": {"1/3"}, "weight_peer": {"1/3"}, "weight_mass": {"1/3"}}, Status: 303,
				After: func(t *testing.T, f *webtest.Fixture) {
					set, _ := stars.New(f.St).RuleSettings(context.Background(), thisYear)
					if !set.Custom || set.QuotaPercent != 50 || set.Excellent10 != 8 {
						t.Errorf("rules: %+v", set)
					}
				}},
			{Name: "reset", As: "admin", Method: "POST", Path: "/stars/rules", Form: url.Values{"year": {strconv.Itoa(thisYear)}, "action": {"reset"}}, Status: 303},
		})
	})
}

// Every label a star page shows exists in both languages.
func TestStarLabels(t *testing.T) {
	var keys []string
	for _, s := range pingyi.Stars {
		keys = append(keys, "stars_star."+string(s))
	}
	for _, l := range []pingyi.StarLevel{pingyi.LevelExcellent, pingyi.LevelGood, pingyi.LevelPoor} {
		keys = append(keys, "stars_level."+string(l))
	}
	for _, k := range stars.LogKinds {
		keys = append(keys, "stars_kind."+k)
	}
	for _, p := range stars.Posts {
		keys = append(keys, "stars_post."+p)
	}
	for _, s := range []string{stars.SourceImport, stars.SourceCommittee} {
		keys = append(keys, "stars_source."+s)
	}
	for _, s := range []string{stars.CommentPending, stars.CommentApproved, stars.CommentRejected, "all"} {
		keys = append(keys, "stars_status."+s)
	}
	for _, k := range []string{"goal", "nothing", "idle_months", "household", "post", "activity", "pre"} {
		keys = append(keys, bulletinKey("p", k), bulletinKey("s", k), bulletinKey("b", k))
	}
	keys = append(keys, "nav.stars", "nav.stars_hint")
	for _, lang := range i18n.Supported {
		for _, k := range keys {
			if !i18n.Has(lang, k) {
				t.Errorf("%s: no message %q", lang, k)
			}
		}
	}
}

var messageID = regexp.MustCompile(`\b(stars|stars_[a-z]+|category|domain|org_type|member)\.[a-z][a-z_0-9]*\b`)

// Every star page renders in both languages with no message id left
// untranslated.
func TestStarPagesTranslated(t *testing.T) {
	f := webtest.New(t, storetest.SQLite(t), New)
	ctx := context.Background()
	if err := stars.New(f.St).SaveGoal(ctx, &stars.Goal{Year: thisYear, MemberCode: "M2", StarsAimed: 9, Post: stars.PostTechDemo, Household1: "甲户", Public: true}, store.CLI); err != nil {
		t.Fatal(err)
	}
	if err := stars.New(f.St).AddLogEntry(ctx, &stars.LogEntry{MemberCode: "M2", Day: today, Kind: stars.LogPostDuty, Content: "x"}, store.CLI); err != nil {
		t.Fatal(err)
	}
	if _, err := stars.New(f.St).RecordAssessment(ctx, thisYear, "M2", stars.AssessSelf, "", map[pingyi.Star]string{"ideology": "2", "compliance": "2", "civilization": "2", "joint_service": "2", "post_duty": "2"}, store.CLI); err != nil {
		t.Fatal(err)
	}
	if _, err := stars.New(f.St).SetRating(ctx, thisYear, "M2", map[pingyi.Star]string{"ideology": "1", "compliance": "1", "civilization": "0", "joint_service": "0", "post_duty": "0"}, store.CLI); err != nil {
		t.Fatal(err)
	}
	if _, _, err := stars.New(f.St).Finalize(ctx, thisYear, "V1", store.CLI); err != nil {
		t.Fatal(err)
	}
	pages := map[string][]string{
		"admin": {"/stars", "/stars?org=T1", "/stars/lists", "/stars/comments?status=all", "/stars/import", "/stars/rules",
			"/stars/orgs/V1", "/stars/orgs/T1", "/stars/orgs/V1/bulletin", "/stars/members/M2", "/stars/members/M3", "/stars/members/M2/log"},
		"member":    {"/stars/members/M2", "/stars/members/M2/log", "/stars/peer"},
		"inspector": {"/stars/orgs/V1", "/stars/members/M2"},
		"":          {"/m/M2", "/m/org/V1"},
	}
	for _, lang := range i18n.Supported {
		for who, ps := range pages {
			c := f.As(who)
			c.Lang = lang
			for _, p := range ps {
				st, body := c.Get(p + strings.Replace(yq, "?", map[bool]string{true: "&", false: "?"}[strings.Contains(p, "?")], 1))
				if st != 200 {
					t.Errorf("%s %s as %q: %d\n%s", lang, p, who, st, webtest.Excerpt(body))
					continue
				}
				for _, id := range messageID.FindAllString(body, -1) {
					if id != "stars.css" && id != "stars.js" {
						t.Errorf("%s %s as %q: untranslated %q", lang, p, who, id)
					}
				}
			}
		}
	}
}

// tinyPNG is a 1×1 PNG (a logbook photo).
func tinyPNG() []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 1, 1)))
	return b.Bytes()
}

// TestPlateNotGzipped: a PDF is compressed already, so the shell's gzip
// leaves it alone and keeps its length.
func TestPlateNotGzipped(t *testing.T) {
	f := webtest.New(t, storetest.SQLite(t), New)
	st, body, h := f.As("admin").Do("GET", "/stars/members/M1/plate", nil, "", "Accept-Encoding", "gzip")
	if st != 200 || h.Get("Content-Type") != "application/pdf" || h.Get("Content-Encoding") != "" || !strings.HasPrefix(body, "%PDF") {
		t.Errorf("PDF: %d %v %.8q", st, h, body)
	}
	if h.Get("Content-Length") != strconv.Itoa(len(body)) {
		t.Errorf("PDF Content-Length %q of %d bytes", h.Get("Content-Length"), len(body))
	}
}
