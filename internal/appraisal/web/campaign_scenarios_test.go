package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// Creating a campaign with the form, its pages, criteria, the unit's
// self-check, meeting and summaries, and a member's own summary.
func TestCampaignCreateAndPhases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := campaignFixture(t, db, Options{})
		ctx := context.Background()
		form := url.Values{"code": {"QZ2024"}, "name": {"2024年度东湖镇群众评议"}, "year": {"2024"}, "scope": {"T1"}, "kind": {"mass"},
			"targets": {"org", "secretary", "member"}, "scale": {"3"}, "min_mass_share": {"0.8"}, "anonymity": {"3"}}
		with := func(k, v string) url.Values {
			g := url.Values{}
			for kk, vv := range form {
				g[kk] = vv
			}
			g.Set(k, v)
			return g
		}
		run(t, f, []scenario{
			{name: "create form", as: "orgadmin", path: "/campaigns/new", status: 200,
				has: []string{"新建评议活动", `name="scope" type="text" value="T1"`, "群众评议", "先进典型测评", "演练"}},
			{name: "create", as: "orgadmin", method: "POST", path: "/campaigns/new", form: form, status: 303,
				after: func(t *testing.T, f *fixture) {
					c := campaignOf(t, f, "QZ2024")
					if c.ScopeCode != "T1" || c.TestMode || len(c.TargetTypes) != 3 || c.Scale != 3 || c.Anonymity != 3 || c.Year != 2024 {
						t.Errorf("campaign %+v", c)
					}
				}},
			{name: "scope outside the subtree", as: "orgadmin", method: "POST", path: "/campaigns/new", form: with("scope", "T2"), status: 422,
				has: []string{"您的管理范围内没有此组织代码"}},
			{name: "code taken", as: "orgadmin", method: "POST", path: "/campaigns/new", form: with("name", "重复"), status: 422,
				has: []string{"该活动代码已被使用"}},
			{name: "bad fields", as: "admin", method: "POST", path: "/campaigns/new",
				form: url.Values{"code": {"a b"}, "scale": {"5"}, "min_mass_share": {"80%"}, "closes": {"nope"}}, status: 422,
				has: []string{"活动代码须为", "测评等级只能为三级或四级", "请填写 0 到 1 之间的小数", "时间格式不正确", "请至少选择一类评议对象"}},
			{name: "list as the secretary", as: "secretary", path: "/campaigns", status: 200, has: []string{"2024年度东湖镇群众评议", "进行中"}},
			{name: "list as another subtree", as: "orgadmin2", path: "/campaigns", status: 200, hasNot: []string{"2024年度东湖镇群众评议"}},
			{name: "campaign page", as: "orgadmin", path: "/campaigns/QZ2024", status: 200,
				has: []string{"2024年度东湖镇群众评议", "东湖村党支部", "西湖村党支部", "制定方案", "评议方案", "编辑方案和设置", `href="/campaigns/QZ2024/units/V2"`, "窗口单位"}},
			{name: "campaign page as the secretary: own unit only", as: "secretary", path: "/campaigns/QZ2024", status: 200,
				has: []string{"东湖村党支部"}, hasNot: []string{"西湖村党支部", "编辑方案和设置"}},
			{name: "campaign page outside", as: "orgadmin2", path: "/campaigns/QZ2024", status: 404},
			{name: "edit the program", as: "orgadmin", method: "POST", path: "/campaigns/QZ2024/edit",
				form: url.Values{"name": {"2024年度东湖镇群众评议"}, "anonymity": {"3"}, "publicity_days": {"5"},
					"participants": {"本村党员和群众代表，群众代表不少于80%"}, "program": {"自查、集中评议、满意度测评"}, "results_use": {"作为年度考核依据"}},
				status: 303, after: func(t *testing.T, f *fixture) {
					p, use, _, err := appraisal.New(f.st).CampaignTexts(ctx, campaignOf(t, f, "QZ2024"))
					if err != nil || !strings.Contains(p, "群众代表") || use != "作为年度考核依据" {
						t.Errorf("texts %q %q %v", p, use, err)
					}
				}},
			{name: "the program shows", as: "inspector", path: "/campaigns/QZ2024", status: 200, has: []string{"自查、集中评议、满意度测评", "作为年度考核依据"}},
			{name: "phase", as: "orgadmin", method: "POST", path: "/campaigns/QZ2024/phase", form: url.Values{"phase": {"2"}}, status: 303,
				after: func(t *testing.T, f *fixture) {
					if p := campaignOf(t, f, "QZ2024").Phase; p != 2 {
						t.Errorf("phase %d", p)
					}
				}},
			{name: "notice", as: "orgadmin", method: "POST", path: "/campaigns/QZ2024/notices", form: url.Values{"title": {"关于开展群众评议的通知"}, "body": {"各支部于6月底前完成"}}, status: 303},
			{name: "notice shows", as: "secretary", path: "/campaigns/QZ2024", status: 200, has: []string{"关于开展群众评议的通知"}},
			{name: "criteria", as: "secretary", path: "/campaigns/QZ2024/criteria", status: 200,
				has: []string{"开展活动兑现承诺", "履行第一责任人职责", "联系服务群众"}, hasNot: []string{"<textarea"}},
			{name: "edit criteria with a rural variant", as: "orgadmin", method: "POST", path: "/campaigns/QZ2024/criteria",
				form: url.Values{"target_type": {"member"}, "items": {"参加活动\n联系服务群众"}, "items_rural": {"带头致富\n服务乡亲"}}, status: 303,
				after: func(t *testing.T, f *fixture) {
					all, _ := appraisal.New(f.st).Criteria(ctx, campaignOf(t, f, "QZ2024").ID)
					if got := appraisal.CriteriaFor(all, pingyi.TargetMember, pingyi.DomainRural); !slices.Equal(got, []string{"带头致富", "服务乡亲"}) {
						t.Errorf("rural member criteria %q", got)
					}
					if got := appraisal.CriteriaFor(all, pingyi.TargetMember, pingyi.DomainAgency); !slices.Equal(got, []string{"参加活动", "联系服务群众"}) {
						t.Errorf("general member criteria %q", got)
					}
				}},
			{name: "criteria without general items", as: "orgadmin", method: "POST", path: "/campaigns/QZ2024/criteria",
				form: url.Values{"target_type": {"org"}, "items": {"  "}}, status: 422, has: []string{"通用条目至少一条"}},

			// The unit: self-check, meeting, summaries
			{name: "unit page", as: "secretary", path: "/campaigns/QZ2024/units/V1", status: 200,
				has: []string{"收集的群众意见建议", "领导点评", "张建国", "李秀英", `name="summary_M2"`}},
			{name: "unit page as inspector: read only", as: "inspector", path: "/campaigns/QZ2024/units/V1", status: 200,
				hasNot: []string{"<textarea", `name="summary_M2"`}},
			{name: "self-check", as: "secretary", method: "POST", path: "/campaigns/QZ2024/units/V1/selfcheck",
				form:   url.Values{"mass_opinions": {"走访农户32户，收集意见15条"}, "achievements": {"修通村道"}, "shortfalls": {"活动形式单一"}, "measures": {"每月开展主题党日"}},
				status: 303, after: func(t *testing.T, f *fixture) {
					sc, _ := appraisal.New(f.st).SelfCheckOf(ctx, campaignOf(t, f, "QZ2024"), orgID(t, f, "V1"))
					if sc.MassOpinions != "走访农户32户，收集意见15条" || sc.Measures != "每月开展主题党日" {
						t.Errorf("self-check %+v", sc)
					}
				}},
			{name: "self-check of another unit", as: "secretary", method: "POST", path: "/campaigns/QZ2024/units/V2/selfcheck",
				form: url.Values{"achievements": {"x"}}, status: 404},
			{name: "meeting", as: "secretary", method: "POST", path: "/campaigns/QZ2024/units/V1/meeting",
				form: url.Values{"held_on": {"2024-06-20"}, "method": {"meeting"}, "att_party_member": {"12"}, "att_mass_rep": {"48"},
					"report": {"书记述职：抓党建第一责任人"}, "superior_rep": {"镇党委组织委员王某"}, "leader_comment": {"工作扎实，群众认可"}},
				status: 303, after: func(t *testing.T, f *fixture) {
					m, _ := appraisal.New(f.st).MeetingOf(ctx, campaignOf(t, f, "QZ2024"), orgID(t, f, "V1"))
					if m.HeldOn != "2024-06-20" || m.Attendees[pingyi.EvalMassRep] != 48 || m.LeaderComment != "工作扎实，群众认可" {
						t.Errorf("meeting %+v", m)
					}
				}},
			{name: "meeting with a bad date", as: "secretary", method: "POST", path: "/campaigns/QZ2024/units/V1/meeting",
				form: url.Values{"held_on": {"6月20日"}, "method": {"meeting"}}, status: 422, has: []string{"请填写日期"}},
			{name: "summaries", as: "secretary", method: "POST", path: "/campaigns/QZ2024/units/V1/summaries",
				form: url.Values{"summary_M2": {"积极参加主题党日"}}, status: 303},
			{name: "the unit's status", as: "orgadmin", path: "/campaigns/QZ2024", status: 200, has: []string{"</svg> 已完成"}},
			{name: "a member's own summary", as: "member", path: "/campaigns/QZ2024/summary", status: 200, has: []string{"积极参加主题党日", "李秀英"}},
			{name: "a member saves it", as: "member", method: "POST", path: "/campaigns/QZ2024/summary", form: url.Values{"text": {"联系群众5户"}}, status: 303,
				after: func(t *testing.T, f *fixture) {
					m, _, _ := f.st.Member(ctx, "M2")
					sums, _ := appraisal.New(f.st).MemberSummaries(ctx, campaignOf(t, f, "QZ2024"), m.OrgID)
					if sums[m.ID] != "联系群众5户" {
						t.Errorf("summary %q", sums[m.ID])
					}
				}},
			{name: "coverage while open: counts per unit only (issue 10, point 7)", as: "orgadmin", path: "/campaigns/QZ2024/coverage", status: 200,
				has: []string{`id="cov-sealed"`, `id="cov-total">`}, hasNot: []string{"尚无评价的对象", "王德明", `id="cov-rated"`}},
			{name: "coverage of one unit while open", as: "secretary", path: "/campaigns/QZ2024/coverage?unit=V1", status: 200,
				has: []string{"本单位全部评议对象", "张建国", "李秀英", `id="cov-sealed"`}, hasNot: []string{"王德明", "尚无评价", `class="yes"`}},
		})
	})
}

// Codes: CSV (header code,url, pointing to the base URL) and PDF slips.
func TestCampaignCodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := campaignFixture(t, db, Options{BaseURL: "https://pingyi.example.cn"})
		mkCampaign(t, f, "C1", "T1", nil)
		sec := f.as("orgadmin") // the org above the unit issues its codes (issue 10)
		st, body, h := sec.do("POST", "/campaigns/C1/codes", strings.NewReader(url.Values{"unit": {"V1"}, "category": {"mass_rep"},
			"count": {"5"}, "format": {"csv"}}.Encode()), "application/x-www-form-urlencoded")
		if st != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.Contains(h.Get("Content-Disposition"), "attachment") {
			t.Fatalf("csv: %d %q %q\n%s", st, h.Get("Content-Type"), h.Get("Content-Disposition"), excerpt(body))
		}
		recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || len(recs) != 6 || recs[0][0] != "code" || recs[0][1] != "url" {
			t.Fatalf("csv %q %v", recs, err)
		}
		for _, r := range recs[1:] {
			if r[1] != "https://pingyi.example.cn/b/"+r[0] || len(r[0]) != store.CodeLength {
				t.Errorf("row %q", r)
			}
			ci, err := appraisal.New(f.st).LookupCode(context.Background(), r[0])
			if err != nil || ci.Unit.Code != "V1" || ci.Category != pingyi.EvalMassRep || ci.Used {
				t.Errorf("code %s: %+v %v", r[0], ci, err)
			}
		}
		st, body, h = sec.do("POST", "/campaigns/C1/codes", strings.NewReader(url.Values{"unit": {"V1"}, "category": {"party_member"},
			"count": {"3"}, "format": {"pdf"}}.Encode()), "application/x-www-form-urlencoded")
		if st != 200 || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF") {
			t.Fatalf("pdf: %d %q %.20q", st, h.Get("Content-Type"), body)
		}
		run(t, f, []scenario{
			{name: "the secretary, a target, for her own unit (issue 10, point 6)", as: "secretary", method: "POST", path: "/campaigns/C1/codes",
				form: url.Values{"unit": {"V1"}, "category": {"mass_rep"}, "count": {"500"}, "format": {"csv"}}, status: 422, has: []string{"评议单位的测评码由其上级组织发放"}},
			{name: "the secretary's form offers no unit", as: "secretary", path: "/campaigns/C1/codes", status: 200, hasNot: []string{`<option value="V1"`}},
			{name: "another unit", as: "secretary", method: "POST", path: "/campaigns/C1/codes",
				form: url.Values{"unit": {"V2"}, "category": {"mass_rep"}, "count": {"5"}, "format": {"csv"}}, status: 422, has: []string{"请选择您管理范围内的评议单位"}},
			{name: "too many", as: "orgadmin", method: "POST", path: "/campaigns/C1/codes",
				form: url.Values{"unit": {"V2"}, "category": {"mass_rep"}, "count": {"100000"}, "format": {"csv"}}, status: 422, has: []string{"数量须为"}},
			{name: "counts", as: "inspector", path: "/campaigns/C1/codes", status: 200,
				has: []string{`<td class="num">5</td>`, `<td class="num">3</td>`, "群众代表", "收到选票"}, hasNot: []string{`action="/campaigns/C1/codes"`}},
			{name: "the form", as: "orgadmin", path: "/campaigns/C1/codes?unit=V2", status: 200,
				has: []string{`<option value="V2" selected>`, "https://pingyi.example.cn/b/"}},
		})
	})
}

// The phone ballot: the page, a plain form POST through the intake, the
// receipt, and the refusals of used, unknown, closed and not-yet-open
// codes.
func TestPhoneBallot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := campaignFixture(t, db, Options{})
		c := mkCampaign(t, f, "C1", "T1", nil)
		codes := issue(t, f, c, "V1", pingyi.EvalMassRep, 3)
		anon := f.client()
		st, page := anon.get("/b/" + codes[0])
		if st != 200 {
			t.Fatalf("ballot page: %d\n%s", st, page)
		}
		for _, s := range []string{`lang="zh-CN"`, "测试评议C1", "东湖村党支部", "张建国", "李秀英", "参评身份：群众代表",
			"对党组织的评议", "对党组织书记的评议", "对党员的评议", "开展活动兑现承诺", "履行第一责任人职责", "联系服务群众",
			">满意<", ">基本满意<", ">不满意<", ">弃权<", `name="r:org:V1"`, `name="r:secretary:V1"`, `name="r:member:M2"`, `name="opinion"`} {
			if !strings.Contains(page, s) {
				t.Errorf("ballot page lacks %q", s)
			}
		}
		// One small script only: the progress line's count (js/ballot.js),
		// which voting does not need.
		if strings.Count(page, "<script") != 1 || !strings.Contains(page, "js/ballot.js") {
			t.Errorf("ballot page has %d scripts, want only js/ballot.js", strings.Count(page, "<script"))
		}
		for _, s := range []string{"echarts", "htmx", "比较满意", "王德明", "stylesheet"} {
			if strings.Contains(page, s) {
				t.Errorf("ballot page has %q", s)
			}
		}
		if len(page) > 20000 {
			t.Errorf("ballot page is %d bytes: keep it small", len(page))
		}
		req, _ := http.NewRequest("GET", f.ts.URL+"/b/"+codes[0], nil)
		req.Header.Set("Accept-Encoding", "gzip")
		if resp, err := http.DefaultTransport.RoundTrip(req); err != nil || resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Set-Cookie") != "" {
			t.Errorf("ballot page not gzipped, or sets a cookie: %v %v", err, resp.Header)
		} else {
			resp.Body.Close()
		}

		run(t, f, []scenario{
			{name: "nothing rated", method: "POST", path: "/b/" + codes[0], form: url.Values{"opinion": {"无"}}, status: 422,
				has: []string{"请至少评价一个对象", ">无</textarea>"}},
			{name: "not on the scale", method: "POST", path: "/b/" + codes[0], form: ballot(map[string]string{"org:V1": "fairly_satisfied"}, ""), status: 422,
				has: []string{"提交的评价有误"}},
			{name: "still unused", path: "/b/" + codes[0], status: 200},
		})

		receipt := vote(t, f, codes[0], map[string]string{"org:V1": "satisfied", "secretary:V1": "basically_satisfied", "member:M2": "abstain"})
		res := results(t, f, c)
		if r := targetResult(t, res, pingyi.TargetOrg, "V1"); r.Tally.Satisfied != 1 || r.Tally.Total() != 1 {
			t.Errorf("org V1 tally %+v", r.Tally)
		}
		if r := targetResult(t, res, pingyi.TargetSecretary, "V1"); r.Tally.BasicallySatisfied != 1 {
			t.Errorf("secretary tally %+v", r.Tally)
		}
		if r := targetResult(t, res, pingyi.TargetMember, "M2"); r.Tally.Abstain != 1 || r.Tally.Valid() != 0 {
			t.Errorf("M2 tally %+v", r.Tally)
		}
		if r := targetResult(t, res, pingyi.TargetMember, "M1"); r.Tally.Total() != 0 {
			t.Errorf("M1 left blank but counted: %+v", r.Tally)
		}

		closed := mkCampaign(t, f, "OLD", "T1", nil)
		oldCode := issue(t, f, closed, "V1", pingyi.EvalMassRep, 1)[0] // codes are issued while open
		closeCampaign(t, f, closed)
		later := mkCampaign(t, f, "LATER", "T1", func(c *pingyi.Campaign) { c.Opens = hoursAgo(-48) })
		laterCode := issue(t, f, later, "V1", pingyi.EvalMassRep, 1)[0]
		run(t, f, []scenario{
			{name: "the receipt page", path: "/r/" + receipt, status: 200, has: []string{"已计入", "测试评议C1", receipt}},
			{name: "an unknown receipt", path: "/r/AAAAAAAAAAAAAAAA", status: 404, has: []string{"未找到回执"}},
			{name: "the code again", path: "/b/" + codes[0], status: 409, has: []string{"测评码已使用"}, hasNot: []string{"张建国"}},
			{name: "the code posted again", method: "POST", path: "/b/" + codes[0], form: ballot(map[string]string{"org:V1": "dissatisfied"}, ""),
				status: 409, has: []string{"测评码已使用"}},
			{name: "an unknown code", path: "/b/ZZZZZZZZZZ", status: 404, has: []string{"测评码无效"}},
			{name: "a closed campaign", path: "/b/" + oldCode, status: 410, has: []string{"评议已结束"}},
			{name: "a closed campaign, posted", method: "POST", path: "/b/" + oldCode, form: ballot(map[string]string{"org:V1": "satisfied"}, ""),
				status: 410, has: []string{"评议已结束"}},
			{name: "not open yet", path: "/b/" + laterCode, status: 403, has: []string{"评议尚未开始"}},
			{name: "lower-case code", path: "/b/" + strings.ToLower(codes[1]), status: 200, has: []string{"东湖村党支部"}},
			{name: "in English", path: "/b/" + codes[1], headers: []header{{"Accept-Language", "en"}}, status: 200,
				has: []string{"Satisfied", "Basically satisfied", "Abstain", "Submit"}},
			{name: "the JSON API is mounted", path: "/api/v1/ballots/" + codes[1], status: 200, has: []string{`"target_code":"M2"`, `"满意"`}},
			{name: "the JSON receipt", path: "/api/v1/receipts/" + receipt, status: 200, has: []string{`"counted":true`}},
		})

		// The JSON API and the page share one intake: a code spent through
		// the API is used on the page.
		st, _, _ = anon.do("POST", "/api/v1/ballots", strings.NewReader(`{"code":"`+codes[1]+`","ratings":[{"target_type":"org","target_code":"V1","rating":"dissatisfied"}]}`), "application/json")
		if st != http.StatusCreated {
			t.Fatalf("API ballot: %d", st)
		}
		if st, _ := anon.get("/b/" + codes[1]); st != http.StatusConflict {
			t.Errorf("code spent by the API: page %d, want 409", st)
		}
		// A 4-level campaign shows 比较满意.
		c4 := mkCampaign(t, f, "C4", "T1", func(c *pingyi.Campaign) { c.Scale = 4 })
		if _, body := anon.get("/b/" + issue(t, f, c4, "V2", pingyi.EvalServiceObject, 1)[0]); !strings.Contains(body, ">比较满意<") || !strings.Contains(body, "服务对象") {
			t.Errorf("4-level ballot page:\n%s", excerpt(body))
		}
	})
}
