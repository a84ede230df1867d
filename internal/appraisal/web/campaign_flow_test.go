package web

import (
	"context"
	"encoding/csv"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/appraisal/export"
	"github.com/pingyi/pingyi/internal/auth"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// Results: sealed while open (pages and exports), shown after, a target
// under the anonymity threshold withheld on pages and in exports, staff
// seeing their own subtree only.
func TestResultsSealedThenShown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := campaignFixture(t, db, Options{})
		c := mkCampaign(t, f, "R1", "T1", nil) // anonymity 3
		v1 := issue(t, f, c, "V1", pingyi.EvalMassRep, 3)
		v2 := issue(t, f, c, "V2", pingyi.EvalServiceObject, 1)
		vote(t, f, v1[0], map[string]string{"org:V1": "satisfied", "member:M1": "dissatisfied", "member:M2": "satisfied"})
		vote(t, f, v1[1], map[string]string{"org:V1": "satisfied", "member:M1": "basically_satisfied", "member:M2": "satisfied"})
		vote(t, f, v1[2], map[string]string{"org:V1": "basically_satisfied", "member:M1": "dissatisfied", "member:M2": "abstain"})
		vote(t, f, v2[0], map[string]string{"org:V2": "dissatisfied"})

		run(t, f, []scenario{
			{name: "sealed while open", as: "orgadmin", path: "/campaigns/R1/results", status: 200,
				has: []string{"结果密封中", "评议进行期间不显示任何结果"}, hasNot: []string{"results-org", "诫勉谈话", "echarts", "张建国"}},
			{name: "xlsx sealed", as: "orgadmin", path: "/campaigns/R1/results.xlsx", status: 403, has: []string{"评议结束前不能导出结果"}},
			{name: "csv sealed", as: "admin", path: "/campaigns/R1/results.csv", status: 403},
			{name: "the unit page shows no breakdown while open", as: "orgadmin", path: "/campaigns/R1/units/V1", status: 200, hasNot: []string{"诫勉"}},
		})

		closeCampaign(t, f, c)
		run(t, f, []scenario{
			{name: "shown after close", as: "orgadmin", path: "/campaigns/R1/results", status: 200,
				has: []string{`id="results-org"`, "东湖村党支部", "86.67", "100.00%", // V1: (100+100+60)/3, rate 3/3
					"张建国", "20.00", "33.33%", "诫勉谈话", "取消年度评先评优资格", "不得作为先进典型", // M1: (0+60+0)/3, rate 1/3
					"西湖村党支部", "不足3人，不予公开", // V2: 1 ballot
					`id="results-data"`, "vendor/echarts.min.js", "js/results.js", `id="chart-rates"`, `"orgs":["东湖村党支部"]`,
					`id="unit-composition"`, "群众占比",
					`id="res-average">—<`, "平均值不予公开"}}, // V2 (1 ballot) would be given away by the average
			{name: "the secretary sees their unit", as: "secretary", path: "/campaigns/R1/results", status: 200,
				has: []string{"东湖村党支部", "张建国"}, hasNot: []string{"西湖村党支部"}},
			{name: "inspector", as: "inspector", path: "/campaigns/R1/results", status: 200, has: []string{"张建国"}},
			{name: "one unit", as: "orgadmin", path: "/campaigns/R1/results?unit=V1", status: 200,
				has: []string{"张建国", `<option value="V1" selected>`}, hasNot: []string{"王德明"}},
			{name: "a unit outside", as: "orgadmin", path: "/campaigns/R1/results?unit=V3", status: 404},
		})
		// Many members: only those flagged for attention, until a unit is chosen.
		defer func(n int) { maxMemberRows = n }(maxMemberRows)
		maxMemberRows = 1
		run(t, f, []scenario{
			{name: "members cut", as: "orgadmin", path: "/campaigns/R1/results", status: 200,
				has: []string{`id="members-cut"`, "党员共 3 名", "张建国"}, hasNot: []string{"李秀英"}},
			{name: "members of one unit", as: "orgadmin", path: "/campaigns/R1/results?unit=V1", status: 200,
				has: []string{"张建国", "李秀英"}, hasNot: []string{`id="members-cut"`}},
		})

		// Paged: one row a page, a code field instead of the unit list.
		defer func(n, u int) { resultsPageSize, maxUnitOptions = n, u }(resultsPageSize, maxUnitOptions)
		resultsPageSize, maxUnitOptions = 1, 1
		section := func(path, id string) string {
			t.Helper()
			st, body, _ := f.as("orgadmin").do("GET", path, nil, "")
			if st != 200 {
				t.Fatalf("GET %s: %d", path, st)
			}
			i := strings.Index(body, `id="`+id+`"`)
			if i < 0 {
				t.Fatalf("GET %s: no %s in\n%s", path, id, body)
			}
			return body[i : i+strings.Index(body[i:], "</section>")]
		}
		org1 := section("/campaigns/R1/results", "results-org")
		if !strings.Contains(org1, "<code>V1</code>") || strings.Contains(org1, "<code>V2</code>") ||
			!strings.Contains(org1, "第 1–1 条，共 2 条") || !strings.Contains(org1, `href="/campaigns/R1/results?page_org=2#page_org"`) || strings.Contains(org1, `rel="prev"`) {
			t.Errorf("org table, page 1:\n%s", org1)
		}
		for _, p := range []string{"/campaigns/R1/results?page_org=2", "/campaigns/R1/results?page_org=99"} {
			org2 := section(p, "results-org")
			if strings.Contains(org2, "<code>V1</code>") || !strings.Contains(org2, "<code>V2</code>") || !strings.Contains(org2, "不足3人，不予公开") ||
				!strings.Contains(org2, "第 2–2 条，共 2 条") || !strings.Contains(org2, `rel="prev" href="/campaigns/R1/results#page_org"`) || strings.Contains(org2, `rel="next"`) {
				t.Errorf("org table, %s:\n%s", p, org2)
			}
		}
		// Another table's page does not move this one's.
		if org := section("/campaigns/R1/results?page_member=2", "results-org"); !strings.Contains(org, "<code>V1</code>") {
			t.Errorf("org table with page_member=2:\n%s", org)
		}
		mem := section("/campaigns/R1/results?page_org=2&unit=V1&page_member=2", "results-member")
		if !strings.Contains(mem, "第 2–2 条") || !strings.Contains(mem, "page_org=2") || !strings.Contains(mem, "unit=V1") {
			t.Errorf("member table of V1, page 2, keeps the other parameters:\n%s", mem)
		}
		run(t, f, []scenario{
			{name: "a code field for many units", as: "orgadmin", path: "/campaigns/R1/results", status: 200,
				has: []string{`<input id="unit-filter" name="unit" value=""`}, hasNot: []string{`<select id="unit-filter"`}},
			{name: "a unit by code", as: "orgadmin", path: "/campaigns/R1/results?unit=V1", status: 200,
				has: []string{`<input id="unit-filter" name="unit" value="V1"`, "张建国"}},
			{name: "members cut and paged", as: "orgadmin", path: "/campaigns/R1/results", status: 200,
				has: []string{"党员共 3 名，此处只列出得分低于60分或满意率低于80%的 1 名", "张建国"}, hasNot: []string{`id="pager-page_member"`}},
			{name: "composition paged", as: "orgadmin", path: "/campaigns/R1/results?page_units=2", status: 200,
				has: []string{`id="pager-page_units"`, "第 2–2 条，共 2 条"}},
			{name: "english pager", as: "orgadmin", path: "/campaigns/R1/results", headers: []header{{"Cookie", "lang=en"}}, status: 200,
				has: []string{"Rows 1–1 of 2", "Next"}},
		})
		resultsPageSize, maxUnitOptions = 50, 300

		// The CSV export: SPEC §6 header, withheld rows empty.
		st, body, h := f.as("orgadmin").do("GET", "/campaigns/R1/results.csv", nil, "")
		if st != 200 || !strings.Contains(h.Get("Content-Disposition"), "results-R1.csv") {
			t.Fatalf("csv: %d %q", st, h.Get("Content-Disposition"))
		}
		recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || strings.Join(recs[0], ",") != strings.Join(export.ResultsHeader, ",") {
			t.Fatalf("csv header %q %v", recs, err)
		}
		rows := map[string][]string{}
		for _, r := range recs[1:] {
			rows[r[0]+" "+r[1]] = r
		}
		if r := rows["org V1"]; r[2] != "3" || r[8] != "86.67" || r[9] != "100.00" {
			t.Errorf("org V1 row %q", r)
		}
		if r := rows["member M1"]; r[8] != "20.00" || r[9] != "33.33" || r[10] != "admonish;no_award;not_typical" {
			t.Errorf("member M1 row %q", r)
		}
		if r := rows["org V2"]; strings.Join(r[2:], "") != "" {
			t.Errorf("org V2 (1 ballot) not withheld: %q", r)
		}
		// The CSV for people: Chinese headers, names beside codes, a BOM,
		// the scale's columns only, withheld rows saying so.
		st, body, h = f.as("orgadmin").do("GET", "/campaigns/R1/results.csv?headers=zh", nil, "")
		if st != 200 || !strings.Contains(h.Get("Content-Disposition"), url.PathEscape("R1-测评结果.csv")) || !strings.HasPrefix(body, "\ufeff") {
			t.Fatalf("chinese csv: %d %q %q", st, h.Get("Content-Disposition"), excerpt(body))
		}
		zh, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
		if err != nil || len(zh) != len(recs) {
			t.Fatalf("chinese csv: %d rows (the SPEC file has %d), %v", len(zh), len(recs), err)
		}
		if got := strings.Join(zh[0], ","); got != "对象类型,所属单位代码,所属单位,代码,名称,有效票,满意,基本满意,不满意,弃权,得分,满意率(%),结果运用" { // three levels
			t.Errorf("chinese csv header: %s", got)
		}
		zhRows := map[string][]string{}
		for _, r := range zh[1:] {
			zhRows[r[0]+" "+r[3]] = r
		}
		if r := zhRows["党员 M1"]; len(r) != 13 || r[4] != "张建国" || r[2] != "东湖村党支部" || r[10] != "20.00" || r[12] != "诫勉谈话；取消年度评先评优资格；不得作为先进典型" {
			t.Errorf("chinese csv, M1: %q", r)
		}
		if r := zhRows["基层党组织 V2"]; len(r) != 13 || r[12] != "不足公开人数" || r[5] != "" {
			t.Errorf("chinese csv, V2 not withheld: %q", r)
		}
		if _, page := f.as("orgadmin").get("/campaigns/R1/results"); !strings.Contains(page, `href="/campaigns/R1/results.csv?headers=zh"`) {
			t.Error("the results page does not offer the Chinese CSV")
		}
		// The Excel export.
		st, body, h = f.as("secretary").do("GET", "/campaigns/R1/results.xlsx", nil, "")
		if st != 200 || !strings.HasPrefix(body, "PK") || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("xlsx: %d %q", st, h.Get("Content-Type"))
		}
		// The audit chain's anchor: in the workbook's last sheet and in the
		// header of every results download (issue 15).
		head, err := f.st.AuditHead(context.Background())
		if err != nil || head.Seq == 0 {
			t.Fatalf("audit head %+v %v", head, err)
		}
		if got := h.Get("X-Pingyi-Audit-Anchor"); got != head.Anchor() {
			t.Errorf("xlsx anchor header %q, want %q", got, head.Anchor())
		}
		wb, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		sheets := wb.GetSheetList()
		anchor, _ := wb.GetCellValue("说明", "B2")
		wb.Close()
		if sheets[len(sheets)-1] != "说明" || anchor != head.Anchor() {
			t.Errorf("xlsx anchor sheet: %v %q, want %q", sheets, anchor, head.Anchor())
		}
		if _, _, h := f.as("orgadmin").do("GET", "/campaigns/R1/results.csv", nil, ""); h.Get("X-Pingyi-Audit-Anchor") != head.Anchor() {
			t.Errorf("csv anchor header %q", h.Get("X-Pingyi-Audit-Anchor"))
		}
	})
}

// Publicity: started after close by the campaign's managers; the public
// page shows the results (withheld under the threshold, no flags) and
// takes objections, rate-limited; answers show, contacts never.
func TestPublicityAndObjections(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := campaignFixture(t, db, Options{})
		c := mkCampaign(t, f, "P1", "T1", nil)
		for _, k := range issue(t, f, c, "V1", pingyi.EvalMassRep, 3) {
			vote(t, f, k, map[string]string{"org:V1": "satisfied", "member:M1": "dissatisfied"})
		}
		run(t, f, []scenario{
			{name: "not public yet", path: "/p/P1", status: 200, has: []string{"尚未公示"}, hasNot: []string{"东湖村党支部"}},
			{name: "publicity while open", as: "orgadmin", method: "POST", path: "/campaigns/P1/publicity", status: 409},
		})
		closeCampaign(t, f, c)
		res := results(t, f, c)
		v1 := targetResult(t, res, pingyi.TargetOrg, "V1")
		run(t, f, []scenario{
			{name: "the secretary cannot start it", as: "secretary", method: "POST", path: "/campaigns/P1/publicity", status: 403},
			{name: "start publicity", as: "orgadmin", method: "POST", path: "/campaigns/P1/publicity", status: 303},
			{name: "the public page", path: "/p/P1", status: 200,
				has:    []string{"评议结果公示", "公示中", "东湖村党支部", "100.00", "张建国", "0.00", "西湖村党支部", "不足3人，不予公开", `name="text"`},
				hasNot: []string{"诫勉谈话", "不得作为先进典型"}},
			{name: "an empty objection", method: "POST", path: "/p/P1/objections", form: url.Values{"text": {" "}}, status: 422, has: []string{"请填写异议内容"}},
			{name: "an objection", method: "POST", path: "/p/P1/objections",
				form:   url.Values{"target": {strconv.FormatInt(v1.ID, 10)}, "text": {"东湖村党支部的满意度与实际不符"}, "contact": {"13812345678"}},
				status: 303, after: func(t *testing.T, f *fixture) {
					obs, _ := appraisal.New(f.st).Objections(context.Background(), c)
					if len(obs) != 1 || obs[0].TargetID != v1.ID || obs[0].Contact != "13812345678" {
						t.Errorf("objections %+v", obs)
					}
				}},
			{name: "not answered: not shown", path: "/p/P1", status: 200, hasNot: []string{"满意度与实际不符", "13812345678"}},
			{name: "managers see the contact", as: "orgadmin", path: "/campaigns/P1", status: 200, has: []string{"满意度与实际不符", "13812345678"}},
			{name: "the secretary sees the objection on their unit, not the contact", as: "secretary", path: "/campaigns/P1", status: 200,
				has: []string{"满意度与实际不符"}, hasNot: []string{"13812345678"}},
		})
		obs, _ := appraisal.New(f.st).Objections(context.Background(), c)
		run(t, f, []scenario{
			{name: "answer", as: "orgadmin", method: "POST", path: "/campaigns/P1/objections",
				form: url.Values{"id": {strconv.FormatInt(obs[0].ID, 10)}, "answer": {"经核实，测评程序规范，结果有效"}}, status: 303},
			{name: "the answer is public", path: "/p/P1", status: 200, has: []string{"满意度与实际不符", "经核实，测评程序规范，结果有效"}, hasNot: []string{"13812345678"}},
		})
		// objectionsPerHour per address: one filed above, then the limit.
		anon := f.client()
		for i := 1; i < objectionsPerHour; i++ {
			if st, body := anon.post("/p/P1/objections", url.Values{"text": {"异议" + strconv.Itoa(i)}}); st != 303 {
				t.Fatalf("objection %d: %d\n%s", i+1, st, excerpt(body))
			}
		}
		if st, body := anon.post("/p/P1/objections", url.Values{"text": {"再一条"}}); st != 429 || !strings.Contains(body, "提交过于频繁") {
			t.Errorf("objection over the limit: %d\n%s", st, excerpt(body))
		}
		// Everything audited by the store.
		log, _ := f.st.AuditLog(context.Background(), "objection", "", 50)
		if len(log) < 2 {
			t.Errorf("audit log of objections: %d entries", len(log))
		}
		// Paged like the results page; the form lists the page's targets.
		defer func(n int) { resultsPageSize = n }(resultsPageSize)
		resultsPageSize = 1
		run(t, f, []scenario{
			{name: "public page 1", path: "/p/P1", status: 200,
				has:    []string{"东湖村党支部", `id="pager-page_org"`, "第 1–1 条，共 2 条", `href="/p/P1?page_org=2#page_org"`, `<option value="` + strconv.FormatInt(v1.ID, 10) + `"`},
				hasNot: []string{"西湖村党支部</td>"}},
			{name: "public page 2", path: "/p/P1?page_org=2", status: 200,
				has: []string{"西湖村党支部</td>", "第 2–2 条，共 2 条"}, hasNot: []string{`<option value="` + strconv.FormatInt(v1.ID, 10) + `"`}},
			{name: "an objection about no target of the campaign", method: "POST", path: "/p/P1/objections",
				form: url.Values{"target": {"12345"}, "text": {"异议"}}, status: 422},
			// Any target of the campaign is found by name, whatever page the
			// form is on; the type is an optgroup, not repeated on each option.
			{name: "find a target on another page by name", path: "/p/P1?page_org=2&q=" + url.QueryEscape("东湖"), status: 200,
				has:    []string{`id="found"`, "找到 1 个与“东湖”相符的对象", `<optgroup label="基层党组织"><option value="` + strconv.FormatInt(v1.ID, 10) + `">东湖村党支部`},
				hasNot: []string{"基层党组织 · ", "东湖村党支部（东湖村党支部）"}},
			{name: "find a member by name", path: "/p/P1?q=" + url.QueryEscape("张建国"), status: 200, has: []string{`<optgroup label="党员">`, ">张建国（"}},
			{name: "nothing found", path: "/p/P1?q=" + url.QueryEscape("无此人"), status: 200, has: []string{"没有与“无此人”相符的评议对象"}},
			{name: "too long: the count and the limit, and what was typed is kept", method: "POST", path: "/p/P1/objections",
				form: url.Values{"text": {"异议的内容"}, "contact": {strings.Repeat("长", 101)}}, status: 422,
				has: []string{"内容过长（101 个字，最多 100 个字）", "异议的内容</textarea>", `value="` + strings.Repeat("长", 101) + `"`}},
			{name: "a refused objection keeps the target found by name", method: "POST", path: "/p/P1/objections?page_org=2",
				form: url.Values{"q": {"东湖"}, "target": {strconv.FormatInt(v1.ID, 10)}, "text": {" "}}, status: 422,
				has: []string{"请填写异议内容", `<option value="` + strconv.FormatInt(v1.ID, 10) + `" selected>东湖村党支部`}},
		})
	})
}

var rectIDRE = regexp.MustCompile(`^/rectifications/(\d+)$`)

// Rectification: the secretary keeps the item of their org; the superior
// org admin verifies it, the secretary may not; overdue items stand out;
// evidence is downloadable in scope only.
func TestRectification(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := campaignFixture(t, db, Options{})
		mkCampaign(t, f, "Z1", "T1", nil)
		// An org admin of the branch V1 itself: not its superior.
		hash, _ := auth.HashWith(password("v1admin"), cheap)
		if err := f.st.CreateUser(context.Background(), &pingyi.User{Username: "v1admin", PasswordHash: hash, Role: orgAdmin, OrgID: orgID(t, f, "V1")}, store.CLI); err != nil {
			t.Fatal(err)
		}
		sec := f.as("secretary")
		yesterday := time.Now().AddDate(0, 0, -1).Format("2006-01-02")
		st, loc, body := location(t, sec, "POST", "/campaigns/Z1/rectifications", url.Values{"unit": {"V1"}, "problem": {"联系群众不够紧密"},
			"cause": {"走访少"}, "measures": {"每月走访"}, "owner": {"张建国"}, "deadline": {yesterday}, "status": {"open"}})
		m := rectIDRE.FindStringSubmatch(loc)
		if st != 303 || m == nil {
			t.Fatalf("create: %d %q\n%s", st, loc, excerpt(body))
		}
		id := m[1]
		run(t, f, []scenario{
			{name: "another org's item", as: "secretary", method: "POST", path: "/campaigns/Z1/rectifications",
				form: url.Values{"unit": {"V2"}, "problem": {"x"}}, status: 422, has: []string{"请选择您管理范围内的评议单位"}},
			{name: "overdue in the campaign's list", as: "orgadmin", path: "/campaigns/Z1/rectifications", status: 200,
				has: []string{"联系群众不够紧密", "已逾期", "1 项整改已超过完成时限"}},
			{name: "the list per org", as: "orgadmin", path: "/rectifications?org=V1", status: 200, has: []string{"联系群众不够紧密", "已逾期"}},
			{name: "the list of another subtree", as: "orgadmin2", path: "/rectifications", status: 200, hasNot: []string{"联系群众不够紧密"}},
			{name: "the item", as: "inspector", path: "/rectifications/" + id, status: 200, has: []string{"走访少", "已逾期"}, hasNot: []string{"<textarea"}},
			{name: "the item outside", as: "orgadmin2", path: "/rectifications/" + id, status: 404},
			{name: "verify before done", as: "orgadmin", method: "POST", path: "/rectifications/" + id + "/verify", form: url.Values{"passed": {"yes"}}, status: 409},
			{name: "marked done", as: "secretary", method: "POST", path: "/rectifications/" + id,
				form:   url.Values{"problem": {"联系群众不够紧密"}, "cause": {"走访少"}, "measures": {"每月走访，建立台账"}, "owner": {"张建国"}, "deadline": {yesterday}, "status": {"done"}},
				status: 303},
			{name: "no longer overdue once done", as: "orgadmin", path: "/rectifications/" + id, status: 200, hasNot: []string{"已逾期"}, has: []string{"验收通过"}},
			{name: "the secretary cannot verify their own org's item", as: "secretary", method: "POST", path: "/rectifications/" + id + "/verify",
				form: url.Values{"passed": {"yes"}}, status: 403},
			{name: "nor an org admin of the org itself", as: "v1admin", method: "POST", path: "/rectifications/" + id + "/verify",
				form: url.Values{"passed": {"yes"}}, status: 403, has: []string{"只有上级党组织可以验收"}},
			{name: "who may keep the item", as: "v1admin", path: "/rectifications/" + id, status: 200, hasNot: []string{`action="/rectifications/` + id + `/verify"`}},
			{name: "nor sees the form", as: "secretary", path: "/rectifications/" + id, status: 200, hasNot: []string{`action="/rectifications/` + id + `/verify"`}},
			{name: "the superior verifies", as: "orgadmin", method: "POST", path: "/rectifications/" + id + "/verify",
				form: url.Values{"passed": {"yes"}, "note": {"整改到位"}}, status: 303,
				after: func(t *testing.T, f *fixture) {
					n, _ := strconv.ParseInt(id, 10, 64)
					it, _ := appraisal.New(f.st).Rectification(context.Background(), n)
					if it.Status != appraisal.RectVerified || it.VerifiedBy != "orgadmin" || it.VerifyNote != "整改到位" {
						t.Errorf("item %+v", it)
					}
				}},
			{name: "a verified item is closed", as: "secretary", method: "POST", path: "/rectifications/" + id,
				form: url.Values{"problem": {"x"}, "status": {"open"}}, status: 409},
		})
		// Evidence.
		st, body = sec.upload("/rectifications/"+id+"/evidence", "走访记录.txt", "2024年6月走访记录")
		if st != 409 { // verified: closed
			t.Errorf("evidence on a verified item: %d", st)
		}
		r2 := &appraisal.Rectification{CampaignID: campaignOf(t, f, "Z1").ID, OrgID: orgID(t, f, "V1"), Problem: "会议记录不全"}
		if err := appraisal.New(f.st).SaveRectification(context.Background(), r2, store.CLI); err != nil {
			t.Fatal(err)
		}
		st, body = sec.upload("/rectifications/"+strconv.FormatInt(r2.ID, 10)+"/evidence", "走访记录.txt", "2024年6月走访记录")
		if st != 303 {
			t.Fatalf("evidence: %d\n%s", st, excerpt(body))
		}
		it, _ := appraisal.New(f.st).Rectification(context.Background(), r2.ID)
		if len(it.Files) != 1 || it.Files[0].Name != "走访记录.txt" {
			t.Fatalf("files %+v", it.Files)
		}
		fid := strconv.FormatInt(it.Files[0].ID, 10)
		st, body, h := f.as("inspector").do("GET", "/evidence/"+fid, nil, "")
		if st != 200 || body != "2024年6月走访记录" || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") {
			t.Errorf("evidence download: %d %q %q", st, body, h.Get("Content-Disposition"))
		}
		if st, _ := f.as("orgadmin2").get("/evidence/" + fid); st != 404 {
			t.Errorf("evidence outside the subtree: %d", st)
		}
	})
}

// Window units: a standing QR code, one-tap ratings into the daily
// aggregates, rate limits per address and per code.
func TestWindowUnit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := campaignFixture(t, db, Options{ClientIPHeader: "X-Real-IP"})
		c := mkCampaign(t, f, "W1", "T1", nil)
		_, page := f.as("orgadmin").get("/campaigns/W1/units/V2")
		m := regexp.MustCompile(`/w/(W[0-9A-Z]+)`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no standing code on the window unit's page:\n%s", excerpt(page))
		}
		code := m[1]
		ip := func(s string) header { return header{"X-Real-IP", s} }
		run(t, f, []scenario{
			{name: "the QR code", as: "orgadmin", path: "/campaigns/W1/units/V2/window.png", status: 200, has: []string{"\x89PNG"}},
			{name: "not a window unit", as: "secretary", path: "/campaigns/W1/units/V1/window.png", status: 404},
			{name: "the rating page", path: "/w/" + code, status: 200,
				has: []string{"西湖村党支部", `name="rating" value="satisfied"`, ">满意<", ">基本满意<", ">不满意<"}, hasNot: []string{"<script", "比较满意"}},
			{name: "one tap", method: "POST", path: "/w/" + code, form: url.Values{"rating": {"satisfied"}}, headers: []header{ip("10.0.0.1")},
				status: 200, has: []string{"感谢您的评价"}},
			{name: "again from the same phone", method: "POST", path: "/w/" + code, form: url.Values{"rating": {"dissatisfied"}}, headers: []header{ip("10.0.0.1")},
				status: 429, has: []string{"您刚刚已经评价过了", "10 分钟"}},
			{name: "another phone", method: "POST", path: "/w/" + code, form: url.Values{"rating": {"basically_satisfied"}}, headers: []header{ip("10.0.0.2")},
				status: 200},
			{name: "abstain is no tap", method: "POST", path: "/w/" + code, form: url.Values{"rating": {"abstain"}}, headers: []header{ip("10.0.0.3")}, status: 422},
			{name: "unknown code", path: "/w/WXXXXXXXXXX", status: 404},
			{name: "daily count while open, no breakdown", as: "orgadmin", path: "/campaigns/W1/units/V2", status: 200,
				has: []string{`id="window-days"`, `<td class="num">2</td>`, "评议结束前只显示每日评价次数"}},
		})
		res := results(t, f, c)
		if r := targetResult(t, res, pingyi.TargetOrg, "V2"); r.Tally.Satisfied != 1 || r.Tally.BasicallySatisfied != 1 {
			t.Errorf("V2 tally %+v", r.Tally)
		}
		days, _ := appraisal.New(f.st).WindowDays(context.Background(), c, orgID(t, f, "V2"))
		if len(days) != 1 || days[0].Tally.Satisfied != 1 || days[0].Tally.BasicallySatisfied != 1 {
			t.Errorf("window days %+v", days)
		}
		// The cap per code per minute, from everyone together.
		f.srv.limits.windowCode.max = 3
		st, body := f.client().post("/w/"+code, url.Values{"rating": {"satisfied"}}, ip("10.0.0.4"))
		if st != 200 {
			t.Fatalf("third rating: %d", st)
		}
		st, body = f.client().post("/w/"+code, url.Values{"rating": {"satisfied"}}, ip("10.0.0.5"))
		if st != 429 || !strings.Contains(body, "评价人数较多") {
			t.Errorf("over the cap: %d\n%s", st, excerpt(body))
		}
		// Closed: no more ratings; the breakdown shows.
		closeCampaign(t, f, c)
		run(t, f, []scenario{
			{name: "closed", path: "/w/" + code, status: 410, has: []string{"评议已结束"}},
			{name: "the breakdown after close", as: "orgadmin", path: "/campaigns/W1/units/V2", status: 200, has: []string{"<th class=\"num\">满意</th>"}},
		})
	})
}

// Paper ballots: a good file is stored; a bad one lists every line and
// column and stores nothing; an org admin's rows outside their subtree
// are refused.
func TestPaperBallots(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := campaignFixture(t, db, Options{})
		c := mkCampaign(t, f, "PB", "D", nil)
		good := "ballot_no,evaluator_category,target_type,target_code,rating\n" +
			"P001,mass_rep,org,V1,满意\nP001,mass_rep,member,M2,基本满意\nP002,party_member,org,V1,不满意\n"
		bad := "ballot_no,evaluator_category,target_type,target_code,rating\n" +
			"P101,villager,org,V1,满意\nP102,mass_rep,org,V1,比较满意\nP103,mass_rep,org,NOPE,满意\n"
		outside := "ballot_no,evaluator_category,target_type,target_code,rating\nP201,mass_rep,org,V1,满意\nP202,mass_rep,org,V3,满意\n"
		ballots := func(t *testing.T, f *fixture) int64 { return results(t, f, c).Ballots }
		run(t, f, []scenario{
			{name: "the page", as: "orgadmin", path: "/campaigns/PB/ballots", status: 200, has: []string{"上传纸质选票", "ballot_no,evaluator_category"}},
			{name: "a good file", as: "orgadmin", path: "/campaigns/PB/ballots", file: &upload{"paper.csv", good}, status: 200,
				has: []string{"导入完成：2 张选票，3 项评价"}, after: func(t *testing.T, f *fixture) {
					if n := ballots(t, f); n != 2 {
						t.Errorf("ballots %d", n)
					}
					if r := targetResult(t, results(t, f, c), pingyi.TargetOrg, "V1"); r.Tally.Satisfied != 1 || r.Tally.Dissatisfied != 1 {
						t.Errorf("V1 %+v", r.Tally)
					}
				}},
			{name: "a bad file", as: "orgadmin", path: "/campaigns/PB/ballots", file: &upload{"paper.csv", bad}, status: 422,
				has: []string{"文件未导入", `<td class="num">2</td><td>评议人类别 <code>evaluator_category</code>`, `<td class="num">3</td><td>评价 <code>rating</code>`,
					`<td class="num">4</td><td>评议对象代码 <code>target_code</code>`},
				after: func(t *testing.T, f *fixture) {
					if n := ballots(t, f); n != 2 {
						t.Errorf("a refused file stored ballots: %d", n)
					}
				}},
			{name: "the same ballots again", as: "admin", path: "/campaigns/PB/ballots", file: &upload{"paper.csv", good}, status: 422,
				has: []string{"已导入过评议活动 PB"}},
			{name: "rows outside the subtree", as: "orgadmin", path: "/campaigns/PB/ballots", file: &upload{"paper.csv", outside}, status: 422,
				has: []string{`<td class="num">3</td><td>评议对象代码 <code>target_code</code></td><td>V3 不在您的管理范围内。`}, hasNot: []string{`<td class="num">2</td>`},
				after: func(t *testing.T, f *fixture) {
					if n := ballots(t, f); n != 2 {
						t.Errorf("ballots %d", n)
					}
				}},
			{name: "a bad header", as: "orgadmin", path: "/campaigns/PB/ballots", file: &upload{"paper.csv", "no,header\n1,2\n"}, status: 422},
		})
		closeCampaign(t, f, c)
		run(t, f, []scenario{
			{name: "closed", as: "admin", path: "/campaigns/PB/ballots", file: &upload{"paper.csv", strings.ReplaceAll(good, "P00", "Q00")}, status: 409,
				has: []string{"评议已结束，不能再录入选票"}},
		})
	})
}

// Test mode: the 演练 badge everywhere, the confirm step, the wipe.
func TestTestModeWipe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := campaignFixture(t, db, Options{})
		form := url.Values{"code": {"YL"}, "name": {"演练评议"}, "year": {"2024"}, "scope": {"T1"}, "kind": {"mass"},
			"targets": {"org", "member"}, "scale": {"3"}, "min_mass_share": {"0.8"}, "anonymity": {"3"}, "test_mode": {"1"}}
		if st, body := f.as("orgadmin").post("/campaigns/new", form); st != 303 {
			t.Fatalf("create: %d\n%s", st, excerpt(body))
		}
		c := campaignOf(t, f, "YL")
		if !c.TestMode {
			t.Fatal("not in test mode")
		}
		codes := issue(t, f, c, "V1", pingyi.EvalMassRep, 2)
		vote(t, f, codes[0], map[string]string{"org:V1": "satisfied"})
		run(t, f, []scenario{
			{name: "badge in the list", as: "inspector", path: "/campaigns", status: 200, has: []string{`class="badge test"`}},
			{name: "badge on the campaign", as: "secretary", path: "/campaigns/YL", status: 200, has: []string{`class="badge test"`, "这是一次演练"}},
			{name: "badge on the phone", path: "/b/" + codes[1], status: 200, has: []string{`class="test"`, "演练"}},
			{name: "the wipe button", as: "orgadmin", path: "/campaigns/YL", status: 200, has: []string{`href="/campaigns/YL/wipe"`}},
			{name: "the confirm step", as: "orgadmin", path: "/campaigns/YL/wipe", status: 200, has: []string{"请输入活动代码 YL 以确认"}},
			{name: "the secretary cannot", as: "secretary", method: "POST", path: "/campaigns/YL/wipe", form: url.Values{"confirm": {"YL"}}, status: 403},
			{name: "a wrong confirmation", as: "orgadmin", method: "POST", path: "/campaigns/YL/wipe", form: url.Values{"confirm": {"yl"}}, status: 422,
				has: []string{"输入的活动代码不符"}, after: func(t *testing.T, f *fixture) {
					if n := results(t, f, c).Ballots; n != 1 {
						t.Errorf("wiped without confirmation: %d ballots", n)
					}
				}},
			{name: "wipe", as: "orgadmin", method: "POST", path: "/campaigns/YL/wipe", form: url.Values{"confirm": {"YL"}}, status: 303,
				after: func(t *testing.T, f *fixture) {
					c := campaignOf(t, f, "YL")
					if c.TestMode || results(t, f, c).Ballots != 0 {
						t.Errorf("after wipe: test mode %v, %d ballots", c.TestMode, results(t, f, c).Ballots)
					}
				}},
			{name: "the codes are gone", path: "/b/" + codes[1], status: 404},
			{name: "formal now: no badge", as: "orgadmin", path: "/campaigns/YL", status: 200, hasNot: []string{`class="badge test"`, `href="/campaigns/YL/wipe"`}},
			{name: "no second wipe", as: "orgadmin", path: "/campaigns/YL/wipe", status: 409},
		})
	})
}
