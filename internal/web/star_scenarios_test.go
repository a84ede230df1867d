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
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// Star management through the real handler on both databases (see the
// fixture tree in web_test.go: V1 has M1 张建国, the secretary, and M2
// 李秀英, the member account; both cadre/farming, cap 10).

var (
	thisYear = time.Now().Year()
	yq       = "?year=" + strconv.Itoa(thisYear)
	today    = time.Now().Format("2006-01-02")
)

func stars(vals ...string) url.Values {
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

func goalOf(t *testing.T, f *fixture, code string) *store.StarGoal {
	t.Helper()
	g, err := f.st.StarGoal(context.Background(), thisYear, code)
	if err != nil {
		t.Fatalf("goal of %s: %v", code, err)
	}
	return g
}

func TestStarScenarios(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		goal := url.Values{"year": {strconv.Itoa(thisYear)}, "stars_aimed": {"9"}, "post": {store.PostTechDemo},
			"post_note": {"带头种植大棚蔬菜"}, "household1": {"王大爷家"}, "household2": {"赵婶家"}, "measures": {"每月走访联系户两次"}}
		logEntry := url.Values{"year": {strconv.Itoa(thisYear)}, "day": {today}, "kind": {store.LogHouseholdService},
			"served": {"王大爷家"}, "people": {"2"}, "content": {"帮王大爷家修好了水管"}}
		run(t, f, []scenario{
			// 责任书: the member saves and signs; the secretary signs and publicizes.
			{name: "member sees own star page", as: "member", path: "/stars/members/M2" + yq, status: 200,
				has: []string{"李秀英", "争创星级目标责任书", "保存并以党员身份签字", "科技示范岗"}, hasNot: []string{"保存并以书记身份签字", "13800002222"}},
			{name: "member's goal without a post is refused", as: "member", method: "POST", path: "/stars/members/M2/goal",
				form: with(goal, "post", ""), status: 422, has: []string{"认领岗位", "带头种植大棚蔬菜"}},
			{name: "member saves and signs", as: "member", method: "POST", path: "/stars/members/M2/goal",
				form: with(goal, "sign", "member", "public", "1"), status: 303, after: func(t *testing.T, f *fixture) {
					g := goalOf(t, f, "M2")
					if g.MemberSigned != today || g.SecretarySigned != "" || g.StarsAimed != 9 || g.Post != store.PostTechDemo || g.Household2 != "赵婶家" {
						t.Errorf("goal after the member signed: %+v", g)
					}
					if g.Public {
						t.Error("a member publicized their own goal")
					}
				}},
			{name: "member cannot sign as secretary", as: "member", method: "POST", path: "/stars/members/M2/goal",
				form: with(goal, "sign", "secretary"), status: 403},
			{name: "secretary cannot sign as the member", as: "secretary", method: "POST", path: "/stars/members/M2/goal",
				form: with(goal, "sign", "member"), status: 403},
			{name: "secretary signs and publicizes", as: "secretary", method: "POST", path: "/stars/members/M2/goal",
				form: with(goal, "sign", "secretary", "public", "1"), status: 303, after: func(t *testing.T, f *fixture) {
					g := goalOf(t, f, "M2")
					if g.MemberSigned != today || g.SecretarySigned != today || !g.Public {
						t.Errorf("goal after the secretary signed: %+v", g)
					}
				}},
			{name: "both signatures show", as: "secretary", path: "/stars/members/M2" + yq, status: 200,
				has: []string{`id="member-signed"`, `id="secretary-signed"`, "已公示"}},
			{name: "a custom post", as: "secretary", method: "POST", path: "/stars/members/M1/goal",
				form: with(goal, "post", "custom", "post_custom", "环境卫生监督岗"), status: 303, after: func(t *testing.T, f *fixture) {
					if g := goalOf(t, f, "M1"); g.Post != "环境卫生监督岗" {
						t.Errorf("custom post stored as %q", g.Post)
					}
				}},
			{name: "changing a signed book clears its signatures", as: "member", method: "POST", path: "/stars/members/M2/goal",
				form: with(goal, "measures", "每月走访联系户三次"), status: 303, after: func(t *testing.T, f *fixture) {
					g := goalOf(t, f, "M2")
					if g.MemberSigned != "" || g.SecretarySigned != "" || !g.Public {
						t.Errorf("goal after a change: %+v", g)
					}
				}},
			{name: "sign again", as: "member", method: "POST", path: "/stars/members/M2/goal",
				form: with(goal, "measures", "每月走访联系户三次", "sign", "member"), status: 303},
			{name: "the secretary signs again", as: "secretary", method: "POST", path: "/stars/members/M2/goal",
				form: with(goal, "measures", "每月走访联系户三次", "sign", "secretary", "public", "1"), status: 303},
			{name: "inspector reads without a form", as: "inspector", path: "/stars/members/M2" + yq, status: 200,
				has: []string{"每月走访联系户三次", "disabled"}, hasNot: []string{"保存并以党员身份签字", "13800002222"}},

			// 纪实: a member writes their own logbook only.
			{name: "member's logbook page", as: "member", path: "/stars/members/M2/log" + yq, status: 200,
				has: []string{"争创纪实", `name="content"`, `type="file"`, "联户服务纪实", "还没有纪实"}},
			{name: "member adds an entry", as: "member", method: "POST", path: "/stars/members/M2/log", form: logEntry, status: 303,
				after: func(t *testing.T, f *fixture) {
					es, err := f.st.StarLog(context.Background(), pingyi.Scope{}, store.StarLogFilter{MemberCode: "M2"})
					if err != nil || len(es) != 1 || es[0].Content != "帮王大爷家修好了水管" || es[0].People != 2 {
						t.Errorf("logbook of M2: %+v, %v", es, err)
					}
				}},
			{name: "member cannot add to another member's logbook", as: "member", method: "POST", path: "/stars/members/M1/log",
				form: logEntry, status: 404, after: func(t *testing.T, f *fixture) {
					es, _ := f.st.StarLog(context.Background(), pingyi.Scope{}, store.StarLogFilter{MemberCode: "M1"})
					if len(es) != 0 {
						t.Errorf("M1's logbook has %d entries", len(es))
					}
				}},
			{name: "member cannot read another member's logbook", as: "member", path: "/stars/members/M1/log" + yq, status: 404},
			{name: "an entry without content is refused", as: "member", method: "POST", path: "/stars/members/M2/log",
				form: with(logEntry, "content", ""), status: 422, has: []string{"内容", "王大爷家"}},
			{name: "the entry is listed", as: "member", path: "/stars/members/M2/log" + yq, status: 200,
				has: []string{"帮王大爷家修好了水管", "2 人", "本月 1 条"}},

			// The branch: who has done nothing this month stands out.
			{name: "branch flags the idle", as: "secretary", path: "/stars/orgs/V1" + yq, status: 200,
				has: []string{`id="idle"`, `<tr id="m-M1" class="idle">`, `<tr id="m-M2">`, `id="idle-count">1<`, "争创 9/10 星", "双方已签"}},
			{name: "branch page of another subtree", as: "orgadmin2", path: "/stars/orgs/V1" + yq, status: 404},
			{name: "overview", as: "orgadmin", path: "/stars" + yq, status: 200,
				has:    []string{"中共东湖镇委员会", "东湖村党支部", "西湖村党支部", `id="stars-chart-data"`, "echarts.min.js", "js/stars.js"},
				hasNot: []string{"南山村"}},
			{name: "member's overview is their own page", as: "member", path: "/stars" + yq, status: 303},

			// The quarterly bulletin.
			{name: "bulletin page", as: "secretary", path: fmt.Sprintf("/stars/orgs/V1/bulletin%s&q=%d", yq, currentQuarter(thisYear)), status: 200,
				has: []string{"季度通报", fmt.Sprintf("%d年第%d季度", thisYear, currentQuarter(thisYear)), "李秀英", "张建国", "本季度无纪实记录", "存在的问题", "改进建议"}},
			{name: "bulletin of an unknown quarter", as: "secretary", path: "/stars/orgs/V1/bulletin" + yq + "&q=5", status: 404},

			// 三评 and the committee's rating.
			{name: "self-assessment", as: "member", method: "POST", path: "/stars/members/M2/assessment",
				form: with(stars("2", "2", "2", "2", "2"), "kind", "self"), status: 303},
			{name: "a member records no mass assessment", as: "member", method: "POST", path: "/stars/members/M2/assessment",
				form: with(stars("2", "2", "2", "2", "2"), "kind", "mass"), status: 403},
			{name: "mass assessment by the secretary", as: "secretary", method: "POST", path: "/stars/members/M2/assessment",
				form: with(stars("1", "1", "1", "1", "1"), "kind", "mass"), status: 303},
			{name: "peer page", as: "secretary", path: "/stars/peer" + yq, status: 200, has: []string{"李秀英"}, hasNot: []string{"张建国</h2>"}},
			{name: "peer assessment", as: "secretary", method: "POST", path: "/stars/peer",
				form: with(stars("2", "1", "2", "1", "2"), "member_code", "M2"), status: 303},
			{name: "no peer assessment outside the branch", as: "member", method: "POST", path: "/stars/peer",
				form: with(stars("2", "1", "2", "1", "2"), "member_code", "M3"), status: 404},
			{name: "the suggestion", as: "secretary", path: "/stars/members/M2" + yq, status: 200,
				has: []string{`id="suggestion"`, "采纳建议（"}},
			{name: "accept the suggestion", as: "secretary", method: "POST", path: "/stars/members/M2/rating",
				form: url.Values{"year": {strconv.Itoa(thisYear)}, "accept": {"1"}}, status: 303, after: func(t *testing.T, f *fixture) {
					r, err := f.st.StarRating(context.Background(), thisYear, "M2")
					// self 2, peer (2,1,2,1,2), mass 1 with 0.2/0.3/0.5: 1.5→2, 1.2→1, 1.5→2, 1.2→1, 1.5→2
					if err != nil || r.Total != 8 {
						t.Errorf("rating of M2 after accepting: %+v, %v", r, err)
					}
				}},
			{name: "no suggestion to accept", as: "secretary", method: "POST", path: "/stars/members/M1/rating",
				form: url.Values{"year": {strconv.Itoa(thisYear)}, "accept": {"1"}}, status: 422, has: []string{"三评尚不完整"}},
			{name: "half-year pre-assessment", as: "secretary", method: "POST", path: "/stars/members/M2/preassessment",
				form: with(stars("2", "2", "1", "1", "1"), "debrief", "上半年走访联系户 6 次"), status: 303},
		})
	})
}

func TestStarFinalize(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		run(t, f, []scenario{
			{name: "rate M1 excellent", as: "secretary", method: "POST", path: "/stars/members/M1/rating", form: stars("2", "2", "2", "2", "2"), status: 303},
			{name: "rate M2 excellent", as: "secretary", method: "POST", path: "/stars/members/M2/rating", form: stars("2", "2", "2", "2", "1"), status: 303},
			{name: "projected levels before finalizing", as: "orgadmin", path: "/stars" + yq, status: 200,
				has: []string{"本年度尚未最终确定星级", `id="stars-excellent">2<`}},
			{name: "a bad value", as: "secretary", method: "POST", path: "/stars/members/M2/rating", form: stars("3", "2", "2", "2", "1"), status: 422,
				has: []string{"思想政治星"}},
			{name: "the quota shows before finalizing", as: "secretary", path: "/stars/orgs/V1" + yq, status: 200,
				has: []string{`<tr class="over"><td class="num">10</td><td class="num">2</td><td class="num">2</td><td class="num">0</td>`, "超出比例"}},
			{name: "finalize is refused", as: "secretary", method: "POST", path: "/stars/orgs/V1/finalize", form: url.Values{"year": {strconv.Itoa(thisYear)}},
				status: 409, has: []string{`id="violations"`, "<code>V1</code> 东湖村党支部", `<td class="num">10</td><td class="num">2</td><td class="num">0</td><td class="num">2</td>`},
				after: func(t *testing.T, f *fixture) {
					if rs, _ := f.st.StarResults(context.Background(), pingyi.Scope{}, thisYear, ""); len(rs) != 0 {
						t.Errorf("a refused finalization stored %d results", len(rs))
					}
				}},
			{name: "the org admin above is refused too", as: "orgadmin", method: "POST", path: "/stars/orgs/T1/finalize", form: url.Values{"year": {strconv.Itoa(thisYear)}},
				status: 409, has: []string{"<code>V1</code> 东湖村党支部"}},
			{name: "revise M1", as: "secretary", method: "POST", path: "/stars/members/M1/rating", form: stars("2", "2", "2", "1", "1"), status: 303},
			{name: "revise M2", as: "secretary", method: "POST", path: "/stars/members/M2/rating", form: stars("1", "1", "1", "0", "0"), status: 303},
			{name: "finalize succeeds", as: "secretary", method: "POST", path: "/stars/orgs/V1/finalize", form: url.Values{"year": {strconv.Itoa(thisYear)}},
				status: 303, after: func(t *testing.T, f *fixture) {
					rs, err := f.st.StarResults(context.Background(), pingyi.Scope{}, thisYear, "")
					if err != nil || len(rs) != 2 || rs[0].Level != pingyi.LevelGood || rs[1].Level != pingyi.LevelPoor {
						t.Errorf("results: %+v, %v", rs, err)
					}
				}},
			{name: "results on the branch page", as: "secretary", path: "/stars/orgs/V1" + yq, status: 200,
				has: []string{"lv-good", "lv-poor", "较差"}, hasNot: []string{`id="violations"`}},
			{name: "the lagging list", as: "orgadmin", path: "/stars/lists" + yq, status: 200,
				has: []string{"后进党员（1 人）", "李秀英", "本支部无优秀党员"}},
			{name: "a follow-up needs a helper when none was paired", as: "secretary", method: "POST", path: "/stars/members/M2/followups",
				form: url.Values{"year": {strconv.Itoa(thisYear)}, "day": {today}, "note": {"谈心谈话"}}, status: 422},
			{name: "a follow-up with a helper", as: "secretary", method: "POST", path: "/stars/members/M2/followups",
				form: url.Values{"year": {strconv.Itoa(thisYear)}, "day": {today}, "note": {"谈心谈话，帮助制定整改措施"}, "helper_code": {"M1"}}, status: 303},
			{name: "the follow-up shows", as: "member", path: "/stars/members/M2" + yq, status: 200,
				has: []string{"谈心谈话，帮助制定整改措施", "较差"}},
			{name: "public results", path: "/m/org/V1" + yq, status: 200, has: []string{"李秀英", "张建国", "lv-poor"}},
			{name: "the district view counts the levels", as: "orgadmin", path: "/stars" + yq, status: 200,
				has:    []string{`id="stars-rated">2<`, `id="stars-excellent">0<`, `id="stars-poor">1<`, `"poor":[1]`, `"names":["东湖村党支部"]`, "农村"},
				hasNot: []string{"本年度尚未最终确定星级"}},
			{name: "the admin drills down from the district", as: "admin", path: "/stars" + yq, status: 200,
				has: []string{`href="/stars?year=` + strconv.Itoa(thisYear) + `&amp;org=T1"`, `"names":["中共东湖镇委员会"]`, `id="stars-poor">1<`}},
		})
	})
}

func TestStarDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{BaseURL: "https://pingyi.example.cn"})
		ctx := context.Background()
		g := &store.StarGoal{Year: thisYear, MemberCode: "M2", StarsAimed: 9, Post: store.PostStability, Household1: "王大爷家", Measures: "调解邻里纠纷", Public: true}
		if err := f.st.SaveStarGoal(ctx, g, store.CLI); err != nil {
			t.Fatal(err)
		}
		if err := f.st.AddStarLogEntry(ctx, &store.StarLogEntry{MemberCode: "M2", Day: today, Kind: store.LogPostDuty, Content: "调解纠纷"}, store.CLI); err != nil {
			t.Fatal(err)
		}
		c := f.as("secretary")
		q := currentQuarter(thisYear)

		st, body, h := c.do("GET", fmt.Sprintf("/stars/orgs/V1/bulletin%s&q=%d&format=pdf", yq, q), nil, "")
		if st != 200 || !strings.HasPrefix(body, "%PDF") || h.Get("Content-Type") != "application/pdf" {
			t.Fatalf("bulletin PDF: %d %s %q", st, h.Get("Content-Type"), excerpt(body))
		}
		if txt, ok := pdfToText(t, []byte(body)); ok && (!strings.Contains(txt, "李秀英") || !strings.Contains(txt, "存在问题")) {
			t.Errorf("bulletin PDF text lacks the member or the problems column:\n%s", txt)
		}

		st, body, h = c.do("GET", fmt.Sprintf("/stars/orgs/V1/bulletin%s&q=%d&format=xlsx", yq, q), nil, "")
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
		x.Close()

		// Door plates: one member, the whole branch.
		for _, p := range []string{"/stars/members/M2/plate" + yq, "/stars/orgs/V1/plates" + yq} {
			st, body, h := c.do("GET", p, nil, "")
			if st != 200 || !strings.HasPrefix(body, "%PDF") || h.Get("Content-Type") != "application/pdf" {
				t.Fatalf("%s: %d %q", p, st, excerpt(body))
			}
			if txt, ok := pdfToText(t, []byte(body)); ok && !strings.Contains(txt, "李秀英") {
				t.Errorf("%s: the plate lacks the member's name:\n%s", p, txt)
			}
		}
		// The QR code points at the base URL.
		if u := f.srv.publicMemberURL(httptestRequest(), "M2"); u != "https://pingyi.example.cn/m/M2" {
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
		f := newFixture(t, db, Options{})
		ctx := context.Background()
		for _, g := range []*store.StarGoal{
			{Year: thisYear, MemberCode: "M1", StarsAimed: 10, Post: store.PostVillageAffairs, Household1: "甲户", Measures: "带头修路", Public: true},
			{Year: thisYear, MemberCode: "M2", StarsAimed: 8, Post: store.PostTechDemo, Household1: "乙户", Measures: "不公开的措施", Public: false},
		} {
			if err := f.st.SaveStarGoal(ctx, g, store.CLI); err != nil {
				t.Fatal(err)
			}
		}
		run(t, f, []scenario{
			{name: "comment", method: "POST", path: "/m/M1/comments", form: url.Values{"text": {"张书记帮我们修好了路，谢谢"}}, status: 303},
			{name: "another comment", method: "POST", path: "/m/M1/comments", form: url.Values{"text": {"待审核的留言"}}, status: 303},
			{name: "an empty comment", method: "POST", path: "/m/M1/comments", form: url.Values{"text": {"  "}}, status: 422, has: []string{"请填写留言内容"}},
			{name: "unknown member", path: "/m/NOPE", status: 404},
			{name: "the queue", as: "secretary", path: "/stars/comments", status: 200, has: []string{"张书记帮我们修好了路", "待审核的留言", "通过"}},
			{name: "another subtree's queue", as: "orgadmin2", path: "/stars/comments", status: 200, hasNot: []string{"张书记帮我们修好了路"}},
		})
		cs, err := f.st.StarComments(ctx, pingyi.Scope{}, store.CommentPending)
		if err != nil || len(cs) != 2 {
			t.Fatalf("pending comments: %v, %v", cs, err)
		}
		var approve string
		for _, c := range cs {
			if strings.HasPrefix(c.Text, "张书记") {
				approve = strconv.FormatInt(c.ID, 10)
			}
		}
		run(t, f, []scenario{
			{name: "outside the subtree", as: "orgadmin2", method: "POST", path: "/stars/comments/" + approve, form: url.Values{"status": {"approved"}}, status: 404},
			{name: "approve", as: "secretary", method: "POST", path: "/stars/comments/" + approve, form: url.Values{"status": {"approved"}}, status: 303},
			{name: "public page", path: "/m/M1", status: 200,
				has:    []string{"张建国", "东湖村党支部", "带头修路", "村务协助岗", "甲户", "张书记帮我们修好了路"},
				hasNot: []string{"待审核的留言", phoneM1, idM1, "138****1111"}},
			{name: "a goal not publicized stays hidden", path: "/m/M2", status: 200,
				has: []string{"李秀英", "本年度责任书尚未公示"}, hasNot: []string{"不公开的措施", "13800002222"}},
			{name: "the branch's publicity", path: "/m/org/V1", status: 200,
				has: []string{"带头修路", `href="/m/M1"`}, hasNot: []string{"不公开的措施", phoneM1}},
		})
	})
}

func TestStarCommentRateLimit(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t), Options{})
	c := f.client()
	for i := 1; i <= commentsPerHour; i++ {
		if st, body := c.post("/m/M2/comments", url.Values{"text": {fmt.Sprintf("第%d条留言", i)}}); st != http.StatusSeeOther {
			t.Fatalf("comment %d: %d\n%s", i, st, excerpt(body))
		}
	}
	st, body := c.post("/m/M2/comments", url.Values{"text": {"第四条留言"}})
	if st != http.StatusTooManyRequests || !strings.Contains(body, "留言过于频繁") || !strings.Contains(body, "第四条留言") {
		t.Fatalf("4th comment within the hour: %d\n%s", st, excerpt(body))
	}
	cs, _ := f.st.StarComments(context.Background(), pingyi.Scope{}, "")
	if len(cs) != commentsPerHour {
		t.Errorf("%d comments stored, want %d", len(cs), commentsPerHour)
	}
	// Another client address is not limited (a proxy names it).
	f2 := newFixture(t, storetest.SQLite(t), Options{ClientIPHeader: "X-Real-IP"})
	c2 := f2.client()
	for i, ip := range []string{"10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.2"} {
		st, _, _ := c2.do("POST", "/m/M2/comments", strings.NewReader(url.Values{"text": {"留言"}}.Encode()),
			"application/x-www-form-urlencoded", header{"X-Real-IP", ip})
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
		f := newFixture(t, db, Options{})
		c := f.as("member")
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for k, v := range map[string]string{"year": strconv.Itoa(thisYear), "day": today, "kind": store.LogServiceActivity, "content": "清扫村道"} {
			mw.WriteField(k, v)
		}
		fw, _ := mw.CreateFormFile("photo", "a.png")
		io.Copy(fw, bytes.NewReader(tinyPNG()))
		mw.Close()
		if st, body, _ := c.do("POST", "/stars/members/M2/log", &b, mw.FormDataContentType()); st != http.StatusSeeOther {
			t.Fatalf("entry with a photo: %d\n%s", st, excerpt(body))
		}
		es, err := f.st.StarLog(context.Background(), pingyi.Scope{}, store.StarLogFilter{MemberCode: "M2"})
		if err != nil || len(es) != 1 || !es[0].HasPhoto {
			t.Fatalf("entries: %+v %v", es, err)
		}
		id := strconv.FormatInt(es[0].ID, 10)
		if _, body := c.get("/stars/members/M2/log" + yq); !strings.Contains(body, `src="/stars/log/`+id+`/photo"`) {
			t.Errorf("the photo is not shown:\n%s", excerpt(body))
		}
		st, body, h := c.do("GET", "/stars/log/"+id+"/photo", nil, "")
		if st != 200 || h.Get("Content-Type") != "image/png" || !bytes.Equal([]byte(body), tinyPNG()) {
			t.Errorf("photo: %d %s", st, h.Get("Content-Type"))
		}
		if st, _ := f.as("orgadmin2").get("/stars/log/" + id + "/photo"); st != 404 {
			t.Errorf("photo outside the subtree: %d", st)
		}
		// Not an image: refused, nothing stored.
		b.Reset()
		mw = multipart.NewWriter(&b)
		for k, v := range map[string]string{"year": strconv.Itoa(thisYear), "day": today, "kind": store.LogServiceActivity, "content": "x"} {
			mw.WriteField(k, v)
		}
		fw, _ = mw.CreateFormFile("photo", "a.png")
		io.WriteString(fw, "not an image at all")
		mw.Close()
		if st, body, _ := c.do("POST", "/stars/members/M2/log", &b, mw.FormDataContentType()); st != 422 || !strings.Contains(body, "照片") {
			t.Errorf("a text file as photo: %d\n%s", st, excerpt(body))
		}
		// The member deletes the entry; the secretary could too.
		if st, _ := c.post("/stars/log/"+id+"/delete", nil); st != http.StatusSeeOther {
			t.Errorf("delete: %d", st)
		}
		if es, _ := f.st.StarLog(context.Background(), pingyi.Scope{}, store.StarLogFilter{MemberCode: "M2"}); len(es) != 0 {
			t.Errorf("%d entries left", len(es))
		}
	})
}

func TestStarImportAndRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		good := "member_code,ideology,compliance,civilization,joint_service,post_duty\nM1,2,2,2,2,1\nM3,2,1,2,,\n"
		bad := "member_code,ideology,compliance,civilization,joint_service,post_duty\nM1,2,2,3,2,1\nM3,2,1,2,2,\nNOPE,1,1,1,1,1\n"
		outside := "member_code,ideology,compliance,civilization,joint_service,post_duty\nM4,2,2,2,2,2\n"
		run(t, f, []scenario{
			{name: "import page", as: "orgadmin", path: "/stars/import", status: 200, has: []string{"导入星级", `name="year"`}},
			{name: "a bad file names each line and column", as: "orgadmin", method: "POST", path: "/stars/import", file: &upload{"stars.csv", bad},
				status: 422, has: []string{`<td class="num">2</td><td>文明创建星 <code>civilization</code>`, `<td class="num">3</td><td>联户服务星 <code>joint_service</code>`, `<td class="num">4</td><td>党员代码 <code>member_code</code>`},
				after: func(t *testing.T, f *fixture) {
					if rs, _ := f.st.StarRatings(context.Background(), pingyi.Scope{}, thisYear); len(rs) != 0 {
						t.Errorf("a refused import stored %d ratings", len(rs))
					}
				}},
			{name: "a member outside the org admin's subtree", as: "orgadmin", method: "POST", path: "/stars/import", file: &upload{"stars.csv", outside},
				status: 422, has: []string{"M4 不在您的管理范围内"}},
			{name: "a good file", as: "orgadmin", method: "POST", path: "/stars/import", file: &upload{"stars.csv", good},
				status: 200, has: []string{fmt.Sprintf("%d 年星级已导入：新增 2", thisYear)}},
			{name: "rules page", as: "orgadmin", path: "/stars/rules" + yq, status: 200, has: []string{"使用默认规则", "disabled"}},
			{name: "bad rules", as: "admin", method: "POST", path: "/stars/rules",
				form: url.Values{"year": {strconv.Itoa(thisYear)}, "quota_percent": {"130"}, "excellent_10": {"9"}, "poor_10": {"3"}, "excellent_6": {"5"}, "poor_6": {"2"},
					"weight_self": {"0.2"}, "weight_peer": {"x"}, "weight_mass": {"0.5"}}, status: 422, has: []string{"quota_percent", "weight_peer"}},
			{name: "rules", as: "admin", method: "POST", path: "/stars/rules",
				form: url.Values{"year": {strconv.Itoa(thisYear)}, "quota_percent": {"50"}, "excellent_10": {"8"}, "poor_10": {"3"}, "excellent_6": {"5"}, "poor_6": {"2"},
					"weight_self": {"1/3"}, "weight_peer": {"1/3"}, "weight_mass": {"1/3"}}, status: 303,
				after: func(t *testing.T, f *fixture) {
					set, _ := f.st.StarRuleSettings(context.Background(), thisYear)
					if !set.Custom || set.QuotaPercent != 50 || set.Excellent10 != 8 {
						t.Errorf("rules: %+v", set)
					}
				}},
			{name: "reset", as: "admin", method: "POST", path: "/stars/rules", form: url.Values{"year": {strconv.Itoa(thisYear)}, "action": {"reset"}}, status: 303},
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
	for _, k := range store.StarLogKinds {
		keys = append(keys, "stars_kind."+k)
	}
	for _, p := range store.StarPosts {
		keys = append(keys, "stars_post."+p)
	}
	for _, s := range []string{store.StarSourceImport, store.StarSourceCommittee} {
		keys = append(keys, "stars_source."+s)
	}
	for _, s := range []string{store.CommentPending, store.CommentApproved, store.CommentRejected, "all"} {
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
	f := newFixture(t, storetest.SQLite(t), Options{})
	ctx := context.Background()
	if err := f.st.SaveStarGoal(ctx, &store.StarGoal{Year: thisYear, MemberCode: "M2", StarsAimed: 9, Post: store.PostTechDemo, Household1: "甲户", Public: true}, store.CLI); err != nil {
		t.Fatal(err)
	}
	if err := f.st.AddStarLogEntry(ctx, &store.StarLogEntry{MemberCode: "M2", Day: today, Kind: store.LogPostDuty, Content: "x"}, store.CLI); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.RecordStarAssessment(ctx, thisYear, "M2", store.AssessSelf, "", map[pingyi.Star]string{"ideology": "2", "compliance": "2", "civilization": "2", "joint_service": "2", "post_duty": "2"}, store.CLI); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SetStarRating(ctx, thisYear, "M2", map[pingyi.Star]string{"ideology": "1", "compliance": "1", "civilization": "0", "joint_service": "0", "post_duty": "0"}, store.CLI); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.st.FinalizeStars(ctx, thisYear, "V1", store.CLI); err != nil {
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
			c := f.as(who)
			c.lang = lang
			for _, p := range ps {
				st, body := c.get(p + strings.Replace(yq, "?", map[bool]string{true: "&", false: "?"}[strings.Contains(p, "?")], 1))
				if st != 200 {
					t.Errorf("%s %s as %q: %d\n%s", lang, p, who, st, excerpt(body))
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
