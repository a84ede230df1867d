package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// TestStarObjectionScenario: the year-end publicity (三评两公开) — anyone
// objects on the branch's public page, staff who manage the branch answer
// on its star page, the answer shows publicly and the contact never does.
func TestStarObjectionScenario(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		ctx := context.Background()
		const contact = "13912345678"
		run(t, f, []scenario{
			{name: "the form", path: "/m/org/V1", status: 200, has: []string{`action="/m/org/V1/objections"`, "李秀英", "暂无已答复的异议"}},
			{name: "object", method: "POST", path: "/m/org/V1/objections", form: url.Values{"member": {"M2"}, "text": {"李秀英的评定偏高"}, "contact": {contact}}, status: 303},
			{name: "an empty objection", method: "POST", path: "/m/org/V1/objections", form: url.Values{"text": {" "}, "contact": {"留着"}}, status: 422, has: []string{"异议", "留着"}},
			{name: "a member of another branch", method: "POST", path: "/m/org/V1/objections", form: url.Values{"member": {"M5"}, "text": {"别处的党员"}}, status: 422, has: []string{"别处的党员"}},
			{name: "unknown branch", method: "POST", path: "/m/org/NOPE/objections", form: url.Values{"text": {"x"}}, status: 404},
			{name: "not public before the answer", path: "/m/org/V1", status: 200, hasNot: []string{"李秀英的评定偏高", contact}},
			{name: "the branch's star page", as: "secretary", path: "/stars/orgs/V1", status: 200, has: []string{"李秀英的评定偏高", contact, "保存答复"}},
			{name: "the inspector reads without the contact", as: "inspector", path: "/stars/orgs/V1", status: 200, has: []string{"李秀英的评定偏高"}, hasNot: []string{contact, "保存答复"}},
		})
		v1, err := f.st.Org(ctx, "V1")
		if err != nil {
			t.Fatal(err)
		}
		objs, err := f.st.StarObjections(ctx, thisYear, v1.ID)
		if err != nil || len(objs) != 1 || objs[0].MemberCode != "M2" || objs[0].Contact != contact {
			t.Fatalf("objections %+v %v", objs, err)
		}
		id := strconv.FormatInt(objs[0].ID, 10)
		run(t, f, []scenario{
			{name: "outside the subtree", as: "orgadmin2", method: "POST", path: "/stars/orgs/V1/objections/" + id, form: url.Values{"answer": {"x"}}, status: 404},
			{name: "through another branch", as: "admin", method: "POST", path: "/stars/orgs/V2/objections/" + id, form: url.Values{"answer": {"x"}}, status: 404},
			{name: "an empty answer", as: "secretary", method: "POST", path: "/stars/orgs/V1/objections/" + id, form: url.Values{"answer": {" "}}, status: 422},
			{name: "answer", as: "secretary", method: "POST", path: "/stars/orgs/V1/objections/" + id, form: url.Values{"answer": {"经支委会复核，评定无误"}}, status: 303},
			{name: "the answer is public", path: "/m/org/V1", status: 200, has: []string{"李秀英的评定偏高", "经支委会复核，评定无误"}, hasNot: []string{contact}},
			{name: "another year has none", path: "/m/org/V1?year=" + strconv.Itoa(thisYear-1), status: 200, hasNot: []string{"李秀英的评定偏高"}},
		})
	})
}

// TestStarDebrief: the secretary's half-year debrief to the street or park
// committee (半年预评); only a superior scope writes the committee's comment.
func TestStarDebriefScenario(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		ctx := context.Background()
		run(t, f, []scenario{
			{name: "the secretary sees no comment field", as: "secretary", path: "/stars/orgs/V1", status: 200, has: []string{`action="/stars/orgs/V1/debrief"`}, hasNot: []string{`name="comment"`}},
			{name: "the committee does", as: "orgadmin", path: "/stars/orgs/V1", status: 200, has: []string{`name="comment"`}},
			{name: "an empty debrief", as: "secretary", method: "POST", path: "/stars/orgs/V1/debrief", form: url.Values{"held_day": {"7月"}}, status: 422, has: []string{"述职日期", "述职情况"}},
			{name: "the secretary saves (a comment is ignored)", as: "secretary", method: "POST", path: "/stars/orgs/V1/debrief",
				form: url.Values{"year": {strconv.Itoa(thisYear)}, "debrief": {"上半年带领支部完成村道硬化"}, "held_day": {today}, "comment": {"自己写的评价"}}, status: 303},
			{name: "the committee comments", as: "orgadmin", method: "POST", path: "/stars/orgs/V1/debrief",
				form: url.Values{"debrief": {"上半年带领支部完成村道硬化"}, "held_day": {today}, "comment": {"成绩突出，继续保持"}}, status: 303},
			{name: "the secretary edits again", as: "secretary", method: "POST", path: "/stars/orgs/V1/debrief",
				form: url.Values{"debrief": {"上半年带领支部完成村道硬化（补充）"}, "held_day": {today}}, status: 303},
			{name: "the page", as: "secretary", path: "/stars/orgs/V1", status: 200, has: []string{"（补充）", "成绩突出，继续保持"}, hasNot: []string{"自己写的评价"}},
			{name: "outside the subtree", as: "orgadmin2", method: "POST", path: "/stars/orgs/V1/debrief", form: url.Values{"debrief": {"x"}}, status: 404},
		})
		d, err := f.st.StarDebrief(ctx, thisYear, "V1")
		if err != nil || d.Comment != "成绩突出，继续保持" || d.HeldDay != today || !strings.HasSuffix(d.Debrief, "（补充）") {
			t.Errorf("debrief %+v %v", d, err)
		}
	})
}

func TestStarObjectionRateLimit(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t), Options{})
	c := f.client()
	for i := 1; i <= starObjectionsPerHour; i++ {
		if st, body := c.post("/m/org/V1/objections", url.Values{"text": {fmt.Sprintf("第%d条异议", i)}}); st != http.StatusSeeOther {
			t.Fatalf("objection %d: %d\n%s", i, st, excerpt(body))
		}
	}
	st, body := c.post("/m/org/V1/objections", url.Values{"text": {"又一条异议"}})
	if st != http.StatusTooManyRequests || !strings.Contains(body, "提交过于频繁") || !strings.Contains(body, "又一条异议") {
		t.Fatalf("objection beyond the limit: %d\n%s", st, excerpt(body))
	}
	v1, _ := f.st.Org(context.Background(), "V1")
	if objs, _ := f.st.StarObjections(context.Background(), thisYear, v1.ID); len(objs) != starObjectionsPerHour {
		t.Errorf("%d objections stored, want %d", len(objs), starObjectionsPerHour)
	}
	// the comment box's limit is its own
	if st, _ := c.post("/m/M2/comments", url.Values{"text": {"留言"}}); st != http.StatusSeeOther {
		t.Errorf("comment after objections: %d", st)
	}
}
