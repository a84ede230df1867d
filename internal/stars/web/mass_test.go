package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/stars"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web/webtest"
)

// The masses rate the members of V1 (M1 张建国, M2 李秀英) with a one-time
// code on the phone page /s/{code}.
func TestStarMassScenario(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := webtest.New(t, db, New)
		codes, err := stars.New(db).IssueMassCodes(context.Background(), thisYear, "V1", 2, store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		k := codes[0]
		rate := url.Values{}
		for _, st := range []string{"ideology", "compliance", "civilization", "joint_service", "post_duty"} {
			rate.Set("v:M2:"+st, "2")
		}
		webtest.Run(t, f, []webtest.Scenario{
			{Name: "staff page", As: "secretary", Path: "/stars/orgs/V1/mass-codes" + yq, Status: 200, Has: []string{"群众评议码", "已生成 2 个"}},
			{Name: "staff issue bad count", As: "secretary", Method: "POST", Path: "/stars/orgs/V1/mass-codes" + yq, Form: url.Values{"count": {"0"}}, Status: 422, Has: []string{"1 到 1000"}},
			{Name: "unknown code", Path: "/s/NOPE234567", Status: 404, Has: []string{"评议码无效"}},
			{Name: "phone form", Path: "/s/" + k, Status: 200, Has: []string{"张建国", "李秀英", "思想政治星", "较好", `name="v:M2:ideology"`}},
			{Name: "nobody rated", Method: "POST", Path: "/s/" + k, Form: url.Values{}, Status: 422, Has: []string{"请至少评议一名党员"}},
			{Name: "incomplete member", Method: "POST", Path: "/s/" + k, Form: url.Values{"v:M1:ideology": {"1"}}, Status: 422, Has: []string{"评价不完整"}},
			{Name: "submit", Method: "POST", Path: "/s/" + k, Form: rate, Status: 200, Has: []string{"感谢您的评议"}, After: func(t *testing.T, f *webtest.Fixture) {
				sg, err := stars.New(f.St).SuggestionFor(context.Background(), thisYear, "M2")
				if err != nil || sg.MassCount != 1 {
					t.Fatalf("suggestion: %+v %v", sg, err)
				}
			}},
			{Name: "submit again", Method: "POST", Path: "/s/" + k, Form: rate, Status: 409, Has: []string{"此评议码已使用"}},
			{Name: "used code page", Path: "/s/" + k, Status: 409},
		})
		c := f.As("secretary")
		st, body, h := c.Do("POST", "/stars/orgs/V1/mass-codes"+yq, strings.NewReader(url.Values{"count": {"3"}}.Encode()), "application/x-www-form-urlencoded")
		if st != 200 || h.Get("Content-Type") != "application/pdf" || len(body) < 100 {
			t.Fatalf("PDF: %d %s", st, h.Get("Content-Type"))
		}
		if n, _ := stars.New(db).MassCodeCounts(context.Background(), thisYear, "V1"); n.Issued != 5 || n.Used != 1 {
			t.Fatalf("counts: %+v", n)
		}
	})
}
