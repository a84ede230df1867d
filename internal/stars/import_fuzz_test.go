package stars_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/tabular"
)

const starHeader = "member_code,ideology,compliance,civilization,joint_service,post_duty\n"

// starXLSX writes rows of cells as a workbook of strings.
func starXLSX(tb testing.TB, rows [][]string) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr(f.GetSheetName(0), cell, v); err != nil {
				tb.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzImportStars feeds arbitrary bytes, as CSV or (when they start like
// a zip) XLSX, through what the star import page and CLI do
// (tabular.Read, the header check, stars.Rows, Store.Import) on SQLite
// holding farming (cap 10), elderly (cap 6) and cadre members. Either the
// file is refused with an input error naming lines and columns and the
// star tables and the audit log are unchanged, or it is accepted: every
// rated member's total is the sum of its stars within its cap, and
// importing the same file again changes nothing (the same values count as
// unchanged).
func FuzzImportStars(f *testing.F) {
	for _, seed := range []string{
		starHeader + "A01,2,2,2,2,1\nA02,0,0,0,0,0\nE01,2,1,2,,\n",
		"\uFEFF" + strings.ReplaceAll(starHeader+"A01, 1 ,1,1,1,1\r\n", "\n", "\r\n"),
		"党员编码,思想政治,遵纪守法,文明风尚,联系服务,岗位履职\nA01,2,2,2,2,2\n",
		starHeader + "A01,3,2,2,2,1\nA01,2,2,2,2,1\nE01,2,1,2,1,\nNOPE,1,1,1,1,1\n,1,1,1,1,1\n",
		starHeader + "A01,-1,+1,=1,@1,1e0\n",
		starHeader + "A01,２,2,2,2,2\n",
		starHeader + "A01,2,2,2,2\n",
		starHeader + "A01\x00,2,2,2,2,2\n",
		starHeader + strings.Repeat("A", 3000) + ",2,2,2,2,2\n",
		"member_code,ideology\nA01,2\n",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Add(starXLSX(f, [][]string{strings.Split(strings.TrimSpace(starHeader), ","), {"A01", "2", "1", "0", "2", "2"}, {"E02", "1", "1", "1", "", ""}}))
	s := storetest.SQLite(f)
	ctx := context.Background()
	if _, err := s.ImportOrgs(ctx, []store.OrgRow{
		{Line: 2, Code: "C1", Name: "某镇党委", Type: "committee", Domain: "rural"},
		{Line: 3, Code: "B1", Name: "东村党支部", Type: "branch", Domain: "rural", ParentCode: "C1"},
		{Line: 4, Code: "B2", Name: "西村党支部", Type: "branch", Domain: "rural", ParentCode: "C1"},
	}, store.CLI); err != nil {
		f.Fatal(err)
	}
	var members []store.MemberRow
	for i := 1; i <= 3; i++ {
		for _, m := range []struct{ prefix, org, cat string }{{"A", "B1", "farming"}, {"E", "B2", "elderly"}, {"X", "B2", "cadre"}} {
			code := fmt.Sprintf("%s%02d", m.prefix, i)
			members = append(members, store.MemberRow{Line: len(members) + 2, Code: code, Name: "党员" + code, OrgCode: m.org, Category: m.cat, IsSecretary: "false"})
		}
	}
	if _, err := s.ImportMembers(ctx, members, store.CLI); err != nil {
		f.Fatal(err)
	}
	st := stars.New(s)
	f.Fuzz(func(t *testing.T, data []byte) {
		name := "stars.csv"
		if bytes.HasPrefix(data, []byte("PK")) {
			name = "stars.xlsx"
		}
		before := starDump(t, s)
		tab, err := tabular.Read(bytes.NewReader(data), name)
		if err == nil {
			err = tab.Require(stars.Columns, nil, false)
		}
		var rows []stars.Row
		imported := false // the reader's refusals (malformed CSV) name a line only
		if err == nil {
			rows = stars.Rows(tab)
			_, err = st.Import(ctx, 2026, rows, store.CLI)
			imported = true
		}
		if err != nil {
			var ie *pingyi.InputError
			if errors.As(err, &ie) {
				for _, fe := range ie.Errors {
					if fe.Line < 1 || imported && fe.Column == "" && fe.Line > max(tab.HeaderLine, 1) {
						t.Fatalf("an error without its line or column: %+v", fe)
					}
				}
			} else if !errors.Is(err, pingyi.ErrInvalid) {
				t.Fatalf("not an input error: %T %v", err, err)
			}
			if starDump(t, s) != before {
				t.Fatalf("a refused import changed the star tables or the audit log (%v)", err)
			}
			return
		}
		// Accepted: totals are the sums, within the cap.
		r, err := s.DB.Query(`SELECT COALESCE(ideology,0)+COALESCE(compliance,0)+COALESCE(civilization,0)+COALESCE(joint_service,0)+COALESCE(post_duty,0), total, cap FROM star_ratings WHERE year = 2026`)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var sum, total, capn int
			if err := r.Scan(&sum, &total, &capn); err != nil {
				t.Fatal(err)
			}
			if sum != total || total > capn || (capn != 10 && capn != 6) {
				t.Fatalf("stars sum %d, total %d, cap %d", sum, total, capn)
			}
		}
		r.Close()
		after := starRatings(t, s)
		stats, err := st.Import(ctx, 2026, rows, store.CLI)
		if err != nil {
			t.Fatalf("accepted once, refused the second time: %v", err)
		}
		if stats.Created != 0 || stats.Updated != 0 || starRatings(t, s) != after {
			t.Fatalf("importing the same file again changed something: %+v", stats)
		}
	})
}

// starRatings is the star_ratings table, canonical.
func starRatings(t *testing.T, s *store.Store) string {
	t.Helper()
	r, err := s.DB.Query(`SELECT year, member_id, COALESCE(ideology,-1), COALESCE(compliance,-1), COALESCE(civilization,-1), COALESCE(joint_service,-1), COALESCE(post_duty,-1), total, cap, source, updated_at FROM star_ratings ORDER BY year, member_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var b strings.Builder
	for r.Next() {
		var v [11]string
		if err := r.Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10]); err != nil {
			t.Fatal(err)
		}
		b.WriteString(strings.Join(v[:], "|") + "\n")
	}
	return b.String()
}
