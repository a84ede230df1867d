package appraisal_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/tabular"
)

// FuzzImportBallots feeds arbitrary bytes, as CSV or (when they start
// like a zip) XLSX, through what `pingyi import ballots` and the paper
// ballot page do (tabular.Read, the header check, store.ImportBallots) on
// SQLite holding a small tree and an open 4-level campaign K over C1.
// Either the file is refused with an input error naming lines and nothing
// changes (every table, the audit log included), or it is accepted: then
// exactly as many ballots are stored as the file has ballot numbers, and
// importing the same file again is refused (each ballot_no is taken) and
// changes nothing.
func FuzzImportBallots(f *testing.F) {
	for _, seed := range []string{
		ballotHeader + "1,mass_rep,org,B1,满意\n1,mass_rep,secretary,B1,比较满意\n1,mass_rep,member,M1,不满意\n2,mass_rep,org,B2,abstain\n",
		"\uFEFF" + strings.ReplaceAll(ballotHeader+"1,mass_rep,org,B1,satisfied\n", "\n", "\r\n"),
		ballotHeader + "1,mass_rep,org,C1,满意\n2,mass_rep,org,C2,满意\n3,mass_rep,member,M404,满意\n",
		ballotHeader + "1,mass_rep,org,B1,满意\n1,mass_rep,member,M3,满意\n",
		ballotHeader + "1,mass_rep,org,B1,满意\n1,party_member,member,M1,满意\n",
		ballotHeader + "1,mass_rep,org,B1,很好\n2,mass_rep,org,B1,\n",
		ballotHeader + ",mass_rep,org,B1,满意\n1\x00,mass_rep,org,B1,满意\n",
		ballotHeader + "=1+1,mass_rep,org,B1,满意\n",
		ballotHeader + strings.Repeat("9", 5000) + ",mass_rep,org,B1,满意\n",
		ballotHeader + "1,mass_rep,org,b1,满意\n 2 ,mass_rep, org ,B1, 满意 \n",
		"ballot_no,evaluator_category,target_type,target_code\n1,mass_rep,org,B1\n",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Add(storetest.CSVToXLSX(f, ballotHeader+"1,mass_rep,org,B1,满意\n1,mass_rep,member,M1,基本满意\n"))
	s := storetest.SQLite(f)
	ctx := context.Background()
	if _, err := importOrgs(s, baseOrgs); err != nil {
		f.Fatal(err)
	}
	if _, err := importMembers(s, baseMembers); err != nil {
		f.Fatal(err)
	}
	c := &pingyi.Campaign{Code: "K", Name: "评议 K", ScopeCode: "C1", Kind: pingyi.KindMass, Scale: pingyi.Scale(4), Year: 2026}
	if err := appraisal.New(s).CreateCampaign(ctx, c, store.CLI); err != nil {
		f.Fatal(err)
	}
	count := func(t *testing.T) int {
		var n int
		if err := s.DB.QueryRow(`SELECT COUNT(*) FROM ballots`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	read := func(data []byte) ([]appraisal.BallotRow, error) {
		name := storetest.FuzzFileName(data, "ballots")
		tab, err := tabular.Read(bytes.NewReader(data), name)
		if err == nil {
			err = tab.Require(appraisal.BallotColumns, nil, false)
		}
		if err != nil {
			return nil, err
		}
		rows := make([]appraisal.BallotRow, 0, len(tab.Rows))
		for _, r := range tab.Rows {
			rows = append(rows, appraisal.BallotRow{Line: r.Line, BallotNo: r.Get("ballot_no"), EvaluatorCategory: r.Get("evaluator_category"),
				TargetType: r.Get("target_type"), TargetCode: r.Get("target_code"), Rating: r.Get("rating")})
		}
		return rows, nil
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		before := storetest.Dump(t, s)
		rows, err := read(data)
		if err != nil {
			storetest.CheckImportRefusal(t, s, err, before)
			return
		}
		n0 := count(t)
		n, err := appraisal.New(s).ImportBallots(ctx, c, rows, store.CLI)
		if err != nil {
			storetest.CheckImportRefusal(t, s, err, before)
			return
		}
		nos := map[string]bool{}
		for _, r := range rows {
			nos[r.BallotNo] = true
		}
		if n != len(nos) || count(t) != n0+n {
			t.Fatalf("%d ballot numbers, %d reported, ballots %d→%d", len(nos), n, n0, count(t))
		}
		if len(rows) == 0 {
			return
		}
		after := storetest.Dump(t, s)
		_, err = appraisal.New(s).ImportBallots(ctx, c, rows, store.CLI)
		if err == nil {
			t.Fatal("the same ballots imported twice")
		}
		storetest.CheckImportRefusal(t, s, err, after)
	})
}
