package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// seed makes a committee C with branches B1 (secretary M10, members M11,
// M12) and B2 (M20), an open campaign K over C, and codes for B1.
func seed(t testing.TB, s *store.Store, scale int, codes int) (*pingyi.Campaign, []string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.ImportOrgs(ctx, []store.OrgRow{
		{Line: 2, Code: "C", Name: "某镇党委", Type: "committee", Domain: "rural"},
		{Line: 3, Code: "B1", Name: "东村党支部", Type: "branch", Domain: "rural", ParentCode: "C"},
		{Line: 4, Code: "B2", Name: "西村党支部", Type: "branch", Domain: "rural", ParentCode: "C"},
	}, store.CLI); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportMembers(ctx, []store.MemberRow{
		{Line: 2, Code: "M10", Name: "张书记", OrgCode: "B1", Category: "cadre", IsSecretary: "true"},
		{Line: 3, Code: "M11", Name: "李明", OrgCode: "B1", Category: "farming"},
		{Line: 4, Code: "M12", Name: "王芳", OrgCode: "B1", Category: "elderly"},
		{Line: 5, Code: "M20", Name: "赵强", OrgCode: "B2", Category: "migrant", IsSecretary: "true"},
	}, store.CLI); err != nil {
		t.Fatal(err)
	}
	c := &pingyi.Campaign{Code: "K", Name: "2026年度群众评议", ScopeCode: "C", Kind: pingyi.KindMass, Scale: pingyi.Scale(scale)}
	if err := appraisal.New(s).CreateCampaign(ctx, c, store.CLI); err != nil {
		t.Fatal(err)
	}
	var ks []string
	if codes > 0 {
		var err error
		if ks, err = appraisal.New(s).IssueCodes(ctx, c, "B1", pingyi.EvalMassRep, codes, store.CLI); err != nil {
			t.Fatal(err)
		}
	}
	return c, ks
}

func newServer(t testing.TB, s *store.Store) *httptest.Server {
	in := appraisal.New(s).NewIntake()
	a := &API{Store: appraisal.New(s), Intake: in}
	mux := http.NewServeMux()
	for _, r := range a.Routes() {
		mux.HandleFunc(r.Pattern, r.Handler)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { srv.Close(); in.Close() })
	return srv
}

func post(t testing.TB, url string, body any) (int, map[string]any) {
	b, _ := json.Marshal(body)
	resp, err := http.Post(url+"/api/v1/ballots", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func fullBallot(code string) BallotRequest {
	return BallotRequest{Code: code, Ratings: []appraisal.RatingInput{
		{TargetType: "org", TargetCode: "B1", Rating: "satisfied"},
		{TargetType: "secretary", TargetCode: "B1", Rating: "basically_satisfied"},
		{TargetType: "member", TargetCode: "M10", Rating: "satisfied"},
		{TargetType: "member", TargetCode: "M11", Rating: "dissatisfied"},
		{TargetType: "member", TargetCode: "M12", Rating: "abstain"},
	}, Opinion: "希望多开展活动"}
}

func TestBallotAPIScenarios(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		_, codes := seed(t, s, 3, 10)
		srv := newServer(t, s)
		rt := func(typ, code, rating string) BallotRequest {
			return BallotRequest{Code: codes[1], Ratings: []appraisal.RatingInput{{TargetType: typ, TargetCode: code, Rating: rating}}}
		}
		cases := []struct {
			name   string
			body   any
			status int
		}{
			{"unknown code", BallotRequest{Code: "NOSUCHCODE", Ratings: fullBallot("").Ratings}, 404},
			{"target of another unit", rt("member", "M20", "satisfied"), 422},
			{"target not in campaign", rt("org", "C", "satisfied"), 422},
			{"4-level rating on a 3-level scale", rt("member", "M11", "fairly_satisfied"), 422},
			{"unknown rating", rt("member", "M11", "great"), 422},
			{"no ratings", BallotRequest{Code: codes[1]}, 422},
			{"same target twice", BallotRequest{Code: codes[1], Ratings: []appraisal.RatingInput{
				{TargetType: "member", TargetCode: "M11", Rating: "satisfied"}, {TargetType: "member", TargetCode: "M11", Rating: "dissatisfied"}}}, 422},
			{"good ballot", fullBallot(codes[0]), 201},
			{"same code again", fullBallot(codes[0]), 409},
			{"Chinese rating", rt("member", "M11", "满意"), 201},
		}
		for _, c := range cases {
			st, body := post(t, srv.URL, c.body)
			if st != c.status {
				t.Errorf("%s: status %d, want %d (%v)", c.name, st, c.status, body)
			}
			if st == 201 && body["receipt"] == "" {
				t.Errorf("%s: no receipt", c.name)
			}
		}
		// GET: unused code lists B1's five targets; a used one is 409; unknown 404.
		for _, g := range []struct {
			code   string
			status int
		}{{codes[2], 200}, {codes[0], 409}, {"ZZZZZZZZZZ", 404}} {
			resp, err := http.Get(srv.URL + "/api/v1/ballots/" + g.code)
			if err != nil {
				t.Fatal(err)
			}
			var f BallotForm
			json.NewDecoder(resp.Body).Decode(&f)
			resp.Body.Close()
			if resp.StatusCode != g.status {
				t.Errorf("GET %s: %d, want %d", g.code, resp.StatusCode, g.status)
			}
			if g.status == 200 {
				if len(f.Targets) != 5 || len(f.Scale) != 3 || len(f.Criteria[pingyi.TargetOrg]) != 4 {
					t.Errorf("GET form: %d targets, %d levels, %d org criteria; want 5, 3, 4", len(f.Targets), len(f.Scale), len(f.Criteria[pingyi.TargetOrg]))
				}
			}
		}
		// Nothing refused was stored: exactly two ballots, and their tallies.
		var n int
		s.R().QueryRow(context.Background(), `SELECT COUNT(*) FROM ballots`).Scan(&n)
		if n != 2 {
			t.Fatalf("%d ballots stored, want 2", n)
		}
		c, _ := appraisal.New(s).Campaign(context.Background(), "K")
		res, err := appraisal.New(s).Results(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, r := range res.Targets {
			got[string(r.Type)+" "+r.Code] = fmt.Sprintf("%d/%d/%d/%d", r.Tally.Satisfied, r.Tally.BasicallySatisfied, r.Tally.Dissatisfied, r.Tally.Abstain)
		}
		want := map[string]string{"org B1": "1/0/0/0", "secretary B1": "0/1/0/0", "member M10": "1/0/0/0", "member M11": "1/0/1/0", "member M12": "0/0/0/1", "member M20": "0/0/0/0"}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s tally %s, want %s", k, got[k], v)
			}
		}
		// The ballot keeps no code and no time finer than the day.
		var day string
		s.R().QueryRow(context.Background(), `SELECT MIN(day) FROM ballots`).Scan(&day)
		if len(day) != len("2006-01-02") {
			t.Errorf("ballot day %q is finer than a day", day)
		}
	})
}

// Many goroutines submit the same and different codes at once: each code is
// spent exactly once and the stored ballots equal the 201s.
func TestBallotConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		const ncodes, tries = 60, 4
		_, codes := seed(t, s, 3, ncodes)
		srv := newServer(t, s)
		var mu sync.Mutex
		created := map[string]int{}
		receipts := map[string]bool{}
		var wg sync.WaitGroup
		for i := 0; i < tries; i++ {
			for _, code := range codes {
				wg.Add(1)
				go func(code string) {
					defer wg.Done()
					st, body := post(t, srv.URL, fullBallot(code))
					mu.Lock()
					defer mu.Unlock()
					switch st {
					case 201:
						created[code]++
						receipts[body["receipt"].(string)] = true
					case 409:
					default:
						t.Errorf("status %d: %v", st, body)
					}
				}(code)
			}
		}
		wg.Wait()
		for _, code := range codes {
			if created[code] != 1 {
				t.Errorf("code %s accepted %d times, want 1", code, created[code])
			}
		}
		var n, used int
		s.R().QueryRow(context.Background(), `SELECT COUNT(*) FROM ballots`).Scan(&n)
		s.R().QueryRow(context.Background(), `SELECT COUNT(*) FROM codes WHERE used = 1`).Scan(&used)
		if n != len(receipts) || n != ncodes || used != ncodes {
			t.Errorf("stored %d ballots, %d codes used, %d receipts; want %d", n, used, len(receipts), ncodes)
		}
		var sat int64
		if err := appraisal.New(s).FoldAll(context.Background()); err != nil {
			t.Fatal(err)
		}
		s.R().QueryRow(context.Background(), `SELECT satisfied FROM targets WHERE type = 'org' AND code = 'B1'`).Scan(&sat)
		if sat != ncodes {
			t.Errorf("org B1 satisfied tally %d, want %d", sat, ncodes)
		}
		for r := range receipts {
			if _, _, err := appraisal.New(s).Receipt(context.Background(), r); err != nil {
				t.Errorf("receipt %s: %v", r, err)
			}
		}
	})
}
