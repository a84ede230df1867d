package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// FuzzBallotAPI sends arbitrary requests to the three ballot endpoints on
// one SQLite database opened for the target: kind picks GET
// /api/v1/ballots/{key}, POST /api/v1/ballots with body, or GET
// /api/v1/receipts/{key}. In key and body, $CODE stands for a fresh
// unused code, $USED for a spent one and $RECEIPT for a receipt given, so
// that the fuzzer reaches past the lookups. Every answer is 2xx or 4xx,
// never 5xx, with a JSON body (an "error" name on a 4xx); a 201 holds a
// receipt that then reads back as counted and stores exactly one ballot
// and spends one code, and any other answer stores nothing.
func FuzzBallotAPI(f *testing.F) {
	good, _ := json.Marshal(fullBallot("$CODE"))
	for _, s := range []struct {
		kind uint8
		key  string
		body string
	}{
		{0, "$CODE", ""},
		{0, "$USED", ""},
		{0, " $code ", ""},
		{0, "NOSUCHCODE", ""},
		{0, "%00", ""},
		{0, "\x00", ""},
		{0, strings.Repeat("A", 65), ""},
		{0, "ＡＢＣ", ""},
		{1, "", string(good)},
		{1, "", strings.Replace(string(good), "$CODE", "$USED", 1)},
		{1, "", `{"code":"$CODE","ratings":[{"target_type":"member","target_code":"M11","rating":"满意"}]}`},
		{1, "", `{"code":"$CODE","ratings":[{"target_type":"member","target_code":"M11","rating":"satisfied"},{"target_type":"member","target_code":"M11","rating":"abstain"}]}`},
		{1, "", `{"code":"$CODE","ratings":[{"target_type":"member","target_code":"M20","rating":"satisfied"}]}`},
		{1, "", `{"code":"$CODE","ratings":[{"target_type":"org","target_code":"B1","rating":"satisfied"}],"opinion":"\u0000"}`},
		{1, "", `{"code":"$CODE","ratings":[{"target_type":"org","target_code":"B1\u0000","rating":"satisfied"}]}`},
		{1, "", `{"code":"$CODE","ratings":[],"opinion":"` + strings.Repeat("长", 3000) + `"}`},
		{1, "", `{"code":"$CODE","ratings":null}`},
		{1, "", `{"code":"$CODE","ratings":{}}`},
		{1, "", `{"code":1}`},
		{1, "", `{"code":"$CODE"}{"code":"$CODE"}`},
		{1, "", `[`},
		{1, "", "\xef\xbb\xbf{}"},
		{1, "", ""},
		{1, "", `{"code":"\ud800"}`},
		{2, "$RECEIPT", ""},
		{2, "NOSUCHRECEIPT", ""},
		{2, "../../x", ""},
		{2, "", ""},
	} {
		f.Add(s.kind, s.key, []byte(s.body))
	}
	s := storetest.SQLite(f)
	ctx := context.Background()
	c, codes := seed(f, s, 4, 20)
	in := appraisal.New(s).NewIntake()
	f.Cleanup(in.Close)
	a := &API{Store: appraisal.New(s), Intake: in}
	var used, receipts []string
	// Spend one code so that $USED and $RECEIPT mean something from the start.
	receipt, err := in.Submit(ctx, codes[0], fullBallot(codes[0]).Ratings, "")
	if err != nil {
		f.Fatal(err)
	}
	used, receipts, codes = append(used, codes[0]), append(receipts, receipt), codes[1:]
	count := func(t *testing.T, q string) int {
		var n int
		if err := s.DB.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	f.Fuzz(func(t *testing.T, kind uint8, key string, body []byte) {
		if len(codes) == 0 {
			more, err := appraisal.New(s).IssueCodes(ctx, c, "B1", pingyi.EvalMassRep, 50, store.CLI)
			if err != nil {
				t.Fatal(err)
			}
			codes = more
		}
		fresh := codes[0]
		subst := strings.NewReplacer("$CODE", fresh, "$USED", used[len(used)-1], "$RECEIPT", receipts[len(receipts)-1])
		key = subst.Replace(key)
		body = []byte(subst.Replace(string(body)))
		ballots, spent := count(t, "SELECT COUNT(*) FROM ballots"), count(t, "SELECT COUNT(*) FROM codes WHERE used <> 0")

		w := httptest.NewRecorder()
		var r *http.Request
		switch kind % 3 {
		case 0:
			r = httptest.NewRequest("GET", "/api/v1/ballots/x", nil)
			r.SetPathValue("code", key)
			a.getBallot(w, r)
		case 1:
			r = httptest.NewRequest("POST", "/api/v1/ballots", bytes.NewReader(body))
			a.postBallot(w, r)
		case 2:
			r = httptest.NewRequest("GET", "/api/v1/receipts/x", nil)
			r.SetPathValue("receipt", key)
			a.getReceipt(w, r)
		}
		st, out := w.Code, w.Body.Bytes()
		if st < 200 || st >= 500 || (st >= 300 && st < 400) {
			t.Fatalf("status %d: %s", st, out)
		}
		if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("content type %q", ct)
		}
		var v map[string]any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("status %d, not a JSON object: %v: %q", st, err, out)
		}
		if st >= 400 {
			if name, _ := v["error"].(string); name == "" {
				t.Fatalf("status %d without an error name: %s", st, out)
			}
		}
		nb, ns := count(t, "SELECT COUNT(*) FROM ballots"), count(t, "SELECT COUNT(*) FROM codes WHERE used <> 0")
		if st == http.StatusCreated {
			rc, _ := v["receipt"].(string)
			if rc == "" || nb != ballots+1 || ns != spent+1 {
				t.Fatalf("201 (%s) with ballots %d→%d, spent codes %d→%d", out, ballots, nb, spent, ns)
			}
			if _, _, err := appraisal.New(s).Receipt(ctx, rc); err != nil {
				t.Fatalf("receipt %q of a 201 does not read back: %v", rc, err)
			}
			used, receipts = append(used, fresh), append(receipts, rc)
			codes = codes[1:]
			return
		}
		if nb != ballots || ns != spent {
			t.Fatalf("status %d (%s) stored something: ballots %d→%d, spent codes %d→%d", st, out, ballots, nb, spent, ns)
		}
		if kind%3 == 0 && st == http.StatusOK {
			var form BallotForm
			if err := json.Unmarshal(out, &form); err != nil || len(form.Targets) == 0 || form.Code == "" {
				t.Fatalf("a ballot form without targets or code: %s (%v)", out, err)
			}
		}
	})
}
