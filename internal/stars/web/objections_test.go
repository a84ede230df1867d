package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web/webtest"
)

// TestStarObjectionScenario: the year-end publicity (三评两公开) — anyone
// objects on the branch's public page, staff who manage the branch answer
// on its star page, the answer shows publicly and the contact never does.
func TestStarObjectionScenario(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := webtest.New(t, db, New)
		ctx := context.Background()
		const contact = "13912345678"
		webtest.Run(t, f, []webtest.Scenario{
			{Name: "the form", Path: "/m/org/V1", Status: 200, Has: []string{`action="/m/org/V1/objections"`, "李秀英", "暂无已答复的异议"}},
			{Name: "object", Method: "POST", Path: "/m/org/V1/objections", Form: url.Values{"member": {"M2"}, "text": {"李秀英的评定偏高"}, "contact": {contact}}, Status: 303},
			{Name: "an empty objection", Method: "POST", Path: "/m/org/V1/objections", Form: url.Values{"text": {" "}, "contact": {"留着"}}, Status: 422, Has: []string{"异议", "留着"}},
			{Name: "a member of another branch", Method: "POST", Path: "/m/org/V1/objections", Form: url.Values{"member": {"M5"}, "text": {"别处的党员"}}, Status: 422, Has: []string{"别处的党员"}},
			{Name: "unknown branch", Method: "POST", Path: "/m/org/NOPE/objections", Form: url.Values{"text": {"x"}}, Status: 404},
			{Name: "not public before the answer", Path: "/m/org/V1", Status: 200, HasNot: []string{"李秀英的评定偏高", contact}},
			{Name: "the branch's star page", As: "secretary", Path: "/stars/orgs/V1", Status: 200, Has: []string{"李秀英的评定偏高", contact, "保存答复"}},
			{Name: "the inspector reads without the contact", As: "inspector", Path: "/stars/orgs/V1", Status: 200, Has: []string{"李秀英的评定偏高"}, HasNot: []string{contact, "保存答复"}},
		})
		v1, err := stars.New(f.St).Org(ctx, "V1")
		if err != nil {
			t.Fatal(err)
		}
		objs, err := stars.New(f.St).Objections(ctx, thisYear, v1.ID)
		if err != nil || len(objs) != 1 || objs[0].MemberCode != "M2" || objs[0].Contact != contact {
			t.Fatalf("objections %+v %v", objs, err)
		}
		id := strconv.FormatInt(objs[0].ID, 10)
		webtest.Run(t, f, []webtest.Scenario{
			{Name: "outside the subtree", As: "orgadmin2", Method: "POST", Path: "/stars/orgs/V1/objections/" + id, Form: url.Values{"answer": {"x"}}, Status: 404},
			{Name: "through another branch", As: "admin", Method: "POST", Path: "/stars/orgs/V2/objections/" + id, Form: url.Values{"answer": {"x"}}, Status: 404},
			{Name: "an empty answer", As: "secretary", Method: "POST", Path: "/stars/orgs/V1/objections/" + id, Form: url.Values{"answer": {" "}}, Status: 422},
			{Name: "answer", As: "secretary", Method: "POST", Path: "/stars/orgs/V1/objections/" + id, Form: url.Values{"answer": {"经支委会复核，评定无误"}}, Status: 303},
			{Name: "the answer is public", Path: "/m/org/V1", Status: 200, Has: []string{"李秀英的评定偏高", "经支委会复核，评定无误"}, HasNot: []string{contact}},
			{Name: "another year has none", Path: "/m/org/V1?year=" + strconv.Itoa(thisYear-1), Status: 200, HasNot: []string{"李秀英的评定偏高"}},
		})
	})
}

// TestStarDebrief: the secretary's half-year debrief to the street or park
// committee (半年预评); only a superior scope writes the committee's comment.
func TestStarDebriefScenario(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := webtest.New(t, db, New)
		ctx := context.Background()
		webtest.Run(t, f, []webtest.Scenario{
			{Name: "the secretary sees no comment field", As: "secretary", Path: "/stars/orgs/V1", Status: 200, Has: []string{`action="/stars/orgs/V1/debrief"`}, HasNot: []string{`name="comment"`}},
			{Name: "the committee does", As: "orgadmin", Path: "/stars/orgs/V1", Status: 200, Has: []string{`name="comment"`}},
			{Name: "an empty debrief", As: "secretary", Method: "POST", Path: "/stars/orgs/V1/debrief", Form: url.Values{"held_day": {"7月"}}, Status: 422, Has: []string{"述职日期", "述职情况"}},
			{Name: "the secretary saves (a comment is ignored)", As: "secretary", Method: "POST", Path: "/stars/orgs/V1/debrief",
				Form: url.Values{"year": {strconv.Itoa(thisYear)}, "debrief": {"上半年带领支部完成村道硬化"}, "held_day": {today}, "comment": {"自己写的评价"}}, Status: 303},
			{Name: "the committee comments", As: "orgadmin", Method: "POST", Path: "/stars/orgs/V1/debrief",
				Form: url.Values{"debrief": {"上半年带领支部完成村道硬化"}, "held_day": {today}, "comment": {"成绩突出，继续保持"}}, Status: 303},
			{Name: "the secretary edits again", As: "secretary", Method: "POST", Path: "/stars/orgs/V1/debrief",
				Form: url.Values{"debrief": {"上半年带领支部完成村道硬化（补充）"}, "held_day": {today}}, Status: 303},
			{Name: "the page", As: "secretary", Path: "/stars/orgs/V1", Status: 200, Has: []string{"（补充）", "成绩突出，继续保持"}, HasNot: []string{"自己写的评价"}},
			{Name: "outside the subtree", As: "orgadmin2", Method: "POST", Path: "/stars/orgs/V1/debrief", Form: url.Values{"debrief": {"x"}}, Status: 404},
		})
		d, err := stars.New(f.St).Debrief(ctx, thisYear, "V1")
		if err != nil || d.Comment != "成绩突出，继续保持" || d.HeldDay != today || !strings.HasSuffix(d.Debrief, "（补充）") {
			t.Errorf("debrief %+v %v", d, err)
		}
	})
}

func TestStarObjectionRateLimit(t *testing.T) {
	f := webtest.New(t, storetest.SQLite(t), New)
	c := f.Client()
	for i := 1; i <= starObjectionsPerHour; i++ {
		if st, body := c.Post("/m/org/V1/objections", url.Values{"text": {fmt.Sprintf("第%d条异议", i)}}); st != http.StatusSeeOther {
			t.Fatalf("objection %d: %d\n%s", i, st, webtest.Excerpt(body))
		}
	}
	st, body := c.Post("/m/org/V1/objections", url.Values{"text": {"又一条异议"}})
	if st != http.StatusTooManyRequests || !strings.Contains(body, "提交过于频繁") || !strings.Contains(body, "又一条异议") {
		t.Fatalf("objection beyond the limit: %d\n%s", st, webtest.Excerpt(body))
	}
	v1, _ := stars.New(f.St).Org(context.Background(), "V1")
	if objs, _ := stars.New(f.St).Objections(context.Background(), thisYear, v1.ID); len(objs) != starObjectionsPerHour {
		t.Errorf("%d objections stored, want %d", len(objs), starObjectionsPerHour)
	}
	// the comment box's limit is its own
	if st, _ := c.Post("/m/M2/comments", url.Values{"text": {"留言"}}); st != http.StatusSeeOther {
		t.Errorf("comment after objections: %d", st)
	}
}

// TestPublicOrgYear: the branch's public page opens on the latest year
// whose results are finalized, offers a switch to the others, and says
// what the stars are out of ("5 星 / 满 10 星").
func TestPublicOrgYear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := webtest.New(t, db, New)
		ctx := context.Background()
		st := stars.New(db)
		last := thisYear - 1
		for _, code := range []string{"M1", "M2"} {
			if _, err := st.SetRating(ctx, last, code, map[pingyi.Star]string{"ideology": "1", "compliance": "1", "civilization": "1", "joint_service": "1", "post_duty": "1"}, store.CLI); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := st.Finalize(ctx, last, "V1", store.CLI); err != nil {
			t.Fatal(err)
		}
		webtest.Run(t, f, []webtest.Scenario{
			{Name: "opens on the finalized year", Path: "/m/org/V1", Status: 200,
				Has: []string{strconv.Itoa(last) + " 年", "5 星 / 满 10 星", `href="/m/org/V1?year=` + strconv.Itoa(thisYear) + `"`, `aria-current="page" class="active">` + strconv.Itoa(last)}},
			{Name: "this year on request", Path: "/m/org/V1?year=" + strconv.Itoa(thisYear), Status: 200,
				HasNot: []string{"5 星 / 满 10 星"}},
			{Name: "a branch without results opens on this year", Path: "/m/org/V3", Status: 200,
				HasNot: []string{"星 / 满"}},
			{Name: "the member's page says the cap", Path: "/m/M2", Status: 200, Has: []string{strconv.Itoa(last) + " 年度 5 星（满 10 星）"}},
		})
	})
}
