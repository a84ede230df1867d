package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// The masses rate the members of V1 (M1 张建国, M2 李秀英) with a one-time
// code on the phone page /s/{code}.
func TestStarMassScenario(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		codes, err := db.IssueStarMassCodes(context.Background(), thisYear, "V1", 2, store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		k := codes[0]
		rate := url.Values{}
		for _, st := range []string{"ideology", "compliance", "civilization", "joint_service", "post_duty"} {
			rate.Set("v:M2:"+st, "2")
		}
		run(t, f, []scenario{
			{name: "staff page", as: "secretary", path: "/stars/orgs/V1/mass-codes" + yq, status: 200, has: []string{"群众评议码", "已生成 2 个"}},
			{name: "staff issue bad count", as: "secretary", method: "POST", path: "/stars/orgs/V1/mass-codes" + yq, form: url.Values{"count": {"0"}}, status: 422, has: []string{"1 到 1000"}},
			{name: "unknown code", path: "/s/NOPE234567", status: 404, has: []string{"评议码无效"}},
			{name: "phone form", path: "/s/" + k, status: 200, has: []string{"张建国", "李秀英", "思想政治星", "较好", `name="v:M2:ideology"`}},
			{name: "nobody rated", method: "POST", path: "/s/" + k, form: url.Values{}, status: 422, has: []string{"请至少评议一名党员"}},
			{name: "incomplete member", method: "POST", path: "/s/" + k, form: url.Values{"v:M1:ideology": {"1"}}, status: 422, has: []string{"评价不完整"}},
			{name: "submit", method: "POST", path: "/s/" + k, form: rate, status: 200, has: []string{"感谢您的评议"}, after: func(t *testing.T, f *fixture) {
				sg, err := f.st.StarSuggestionFor(context.Background(), thisYear, "M2")
				if err != nil || sg.MassCount != 1 {
					t.Fatalf("suggestion: %+v %v", sg, err)
				}
			}},
			{name: "submit again", method: "POST", path: "/s/" + k, form: rate, status: 409, has: []string{"此评议码已使用"}},
			{name: "used code page", path: "/s/" + k, status: 409},
		})
		c := f.as("secretary")
		st, body, h := c.do("POST", "/stars/orgs/V1/mass-codes"+yq, strings.NewReader(url.Values{"count": {"3"}}.Encode()), "application/x-www-form-urlencoded")
		if st != 200 || h.Get("Content-Type") != "application/pdf" || len(body) < 100 {
			t.Fatalf("PDF: %d %s", st, h.Get("Content-Type"))
		}
		if n, _ := db.StarMassCodeCounts(context.Background(), thisYear, "V1"); n.Issued != 5 || n.Used != 1 {
			t.Fatalf("counts: %+v", n)
		}
	})
}
