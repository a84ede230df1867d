package stars_test

// Star management (SPEC §3, §6 star import / star finalize) on SQLite and
// PostgreSQL: the import contract (every refusal reason by line and
// column, atomicity, re-import replaces), finalization (quota refusals
// naming every branch, helpers stored, scope = subtree, replacement).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/stars"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

const starYear = 2024

// starSeed loads the tree
//
//	C1 ─┬─ G1 ── B1   A01..A10 farming (cap 10)
//	    └─ B2         E01..E10 elderly (cap 6)
//	C2 ─── B3         X01..X04 cadre, X05 migrant
func starSeed(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	orgs := []store.OrgRow{
		{Line: 2, Code: "C1", Name: "某镇党委", Type: "committee", Domain: "rural"},
		{Line: 3, Code: "G1", Name: "第一党总支", Type: "general_branch", Domain: "rural", ParentCode: "C1"},
		{Line: 4, Code: "B1", Name: "东村党支部", Type: "branch", Domain: "rural", ParentCode: "G1"},
		{Line: 5, Code: "B2", Name: "西村党支部", Type: "branch", Domain: "rural", ParentCode: "C1"},
		{Line: 6, Code: "C2", Name: "某街道党工委", Type: "committee", Domain: "community"},
		{Line: 7, Code: "B3", Name: "南社区党支部", Type: "branch", Domain: "community", ParentCode: "C2"},
	}
	if _, err := s.ImportOrgs(ctx, orgs, store.CLI); err != nil {
		t.Fatalf("orgs: %v", err)
	}
	var members []store.MemberRow
	add := func(code, org, cat string) {
		members = append(members, store.MemberRow{Line: len(members) + 2, Code: code, Name: "党员" + code, OrgCode: org, Category: cat, IsSecretary: "false"})
	}
	for i := 1; i <= 10; i++ {
		add(fmt.Sprintf("A%02d", i), "B1", "farming")
		add(fmt.Sprintf("E%02d", i), "B2", "elderly")
	}
	for i := 1; i <= 4; i++ {
		add(fmt.Sprintf("X%02d", i), "B3", "cadre")
	}
	add("X05", "B3", "migrant")
	if _, err := s.ImportMembers(ctx, members, store.CLI); err != nil {
		t.Fatalf("members: %v", err)
	}
}

// starRow builds a file row: code then the five cells in file order.
func starRow(line int, code string, cells ...string) stars.Row {
	r := stars.Row{Line: line, MemberCode: code, Cells: map[pingyi.Star]string{}}
	for i, c := range cells {
		r.Cells[pingyi.Stars[i]] = c
	}
	return r
}

// starRows numbers rows from line 2 (after the header).
func starRows(rows ...[]string) []stars.Row {
	out := make([]stars.Row, len(rows))
	for i, r := range rows {
		out[i] = starRow(i+2, r[0], r[1:]...)
	}
	return out
}

// starDump is every row of the star tables and the audit log, canonical.
func starDump(t testing.TB, s *store.Store) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT year, member_id, ideology, compliance, civilization, joint_service, post_duty, total, cap, source, updated_at FROM star_ratings ORDER BY year, member_id`,
		`SELECT year, member_id, stars, cap, level, helper_member_id, finalized_at FROM star_results ORDER BY year, member_id`,
		`SELECT id, action, entity, entity_id, before_json, after_json FROM audit_log ORDER BY id`,
	} {
		rows, err := s.DB.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if i > 0 {
					b.WriteByte('|')
				}
				if v.Valid {
					b.WriteString(v.String)
				} else {
					b.WriteString("NULL")
				}
			}
			b.WriteByte('\n')
		}
		rows.Close()
		b.WriteString("--\n")
	}
	return b.String()
}

// starPlaces is the "line N, column X" of each error of a refusal.
func starPlaces(t testing.TB, err error) []string {
	t.Helper()
	var ie *pingyi.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("want *pingyi.InputError, got %T: %v", err, err)
	}
	var out []string
	for _, fe := range ie.Errors {
		out = append(out, fmt.Sprintf("line %d, column %s", fe.Line, fe.Column))
		if !strings.HasPrefix(fe.Error(), out[len(out)-1]) {
			t.Errorf("message %q does not name its place", fe.Error())
		}
	}
	return out
}

// starRatingMap is the stored ratings of a year: code → "v,v,v,v,v=total/cap source".
func starRatingMap(t testing.TB, s *store.Store, year int) map[string]string {
	t.Helper()
	list, err := stars.New(s).Ratings(context.Background(), pingyi.Scope{}, year)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range list {
		var cells []string
		for _, st := range pingyi.Stars {
			if v, ok := r.Values[st]; ok {
				cells = append(cells, strconv.Itoa(v))
			} else {
				cells = append(cells, "")
			}
		}
		out[r.MemberCode] = fmt.Sprintf("%s=%d/%d %s", strings.Join(cells, ","), r.Total, r.Cap, r.Source)
	}
	return out
}

func TestImportStarsGood(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		starSeed(t, s)
		stats, err := stars.New(s).Import(ctx, starYear, starRows(
			[]string{"A01", "2", "2", "2", "2", "1"},
			[]string{"A02", "0", "0", "0", "0", "0"},
			[]string{"E01", "2", "1", "2", "", ""},
			[]string{"X05", " 1 ", "1", "1", "", ""},
		), store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		if stats != (store.ImportStats{Created: 4}) {
			t.Errorf("stats %+v", stats)
		}
		want := map[string]string{
			"A01": "2,2,2,2,1=9/10 import",
			"A02": "0,0,0,0,0=0/10 import",
			"E01": "2,1,2,,=5/6 import",
			"X05": "1,1,1,,=3/6 import",
		}
		if got := starRatingMap(t, s, starYear); !reflect.DeepEqual(got, want) {
			t.Errorf("ratings\n got %v\nwant %v", got, want)
		}
		// Cap-6 members' last two stars are NULL, not 0.
		var n int
		if err := s.DB.QueryRow(`SELECT COUNT(*) FROM star_ratings WHERE joint_service IS NULL AND post_duty IS NULL`).Scan(&n); err != nil || n != 2 {
			t.Errorf("NULL stars: %d rows (%v), want 2", n, err)
		}
		// Another year is another record.
		if got := starRatingMap(t, s, starYear+1); len(got) != 0 {
			t.Errorf("year %d: %v", starYear+1, got)
		}
		// Audited per member.
		log, err := s.AuditLog(ctx, "star_rating", "2024/A01", 10)
		if err != nil || len(log) != 1 || log[0].Action != "create" || !strings.Contains(log[0].After, `"Total":9`) {
			t.Errorf("audit %+v %v", log, err)
		}
		// An empty file is fine and changes nothing.
		if stats, err := stars.New(s).Import(ctx, starYear, nil, store.CLI); err != nil || stats != (store.ImportStats{}) {
			t.Errorf("empty: %+v %v", stats, err)
		}
	})
}

func TestImportStarsRefusals(t *testing.T) {
	cases := []struct {
		name string
		rows []stars.Row
		want []string
	}{
		{"unknown member", starRows([]string{"A01", "1", "1", "1", "1", "1"}, []string{"Z99", "1", "1", "1", "1", "1"}),
			[]string{"line 3, column member_code"}},
		{"empty member code", starRows([]string{"", "1", "1", "1", "1", "1"}),
			[]string{"line 2, column member_code"}},
		{"duplicate member", starRows([]string{"A01", "1", "1", "1", "1", "1"}, []string{"A02", "1", "1", "1", "1", "1"}, []string{"A01", "2", "2", "2", "2", "2"}),
			[]string{"line 4, column member_code"}},
		{"value 3", starRows([]string{"A01", "1", "3", "1", "1", "1"}),
			[]string{"line 2, column compliance"}},
		{"value -1", starRows([]string{"A01", "1", "1", "-1", "1", "1"}),
			[]string{"line 2, column civilization"}},
		{"value not a number", starRows([]string{"A01", "x", "1", "1", "1", "1"}),
			[]string{"line 2, column ideology"}},
		{"value 1.0", starRows([]string{"A01", "1", "1", "1", "1.0", "1"}),
			[]string{"line 2, column joint_service"}},
		{"cap-6 joint_service given", starRows([]string{"E01", "1", "1", "1", "0", ""}),
			[]string{"line 2, column joint_service"}},
		{"cap-6 post_duty given", starRows([]string{"X05", "1", "1", "1", "", "2"}),
			[]string{"line 2, column post_duty"}},
		{"cap-10 post_duty missing", starRows([]string{"A01", "1", "1", "1", "1", ""}),
			[]string{"line 2, column post_duty"}},
		{"cap-10 ideology missing", starRows([]string{"X01", "", "1", "1", "1", "1"}),
			[]string{"line 2, column ideology"}},
		{"every problem named", starRows(
			[]string{"A01", "1", "1", "1", "1", "1"},
			[]string{"Z99", "1", "1", "1", "1", "1"},
			[]string{"A01", "1", "1", "1", "1", "1"},
			[]string{"E02", "1", "1", "1", "1", "1"},
			[]string{"A03", "2", "", "1", "1", "9"},
		), []string{"line 3, column member_code", "line 4, column member_code", "line 5, column joint_service", "line 5, column post_duty",
			"line 6, column compliance", "line 6, column post_duty"}},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		starSeed(t, s)
		// A year already rated: a refused file must leave it as it was.
		if _, err := stars.New(s).Import(ctx, starYear, starRows([]string{"A01", "2", "2", "2", "2", "2"}, []string{"E01", "1", "1", "1", "", ""}), store.CLI); err != nil {
			t.Fatal(err)
		}
		before := starDump(t, s)
		for _, c := range cases {
			_, err := stars.New(s).Import(ctx, starYear, c.rows, store.CLI)
			if err == nil {
				t.Errorf("%s: accepted", c.name)
				continue
			}
			if got := starPlaces(t, err); !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s: refused at %v, want %v (%v)", c.name, got, c.want, err)
			}
			if after := starDump(t, s); after != before {
				t.Fatalf("%s: a refused file changed the database\nbefore:\n%s\nafter:\n%s", c.name, before, after)
			}
		}
		// The message says why.
		_, err := stars.New(s).Import(ctx, starYear, starRows([]string{"E01", "1", "1", "1", "2", ""}, []string{"Z99", "1", "1", "1", "1", "1"}), store.CLI)
		for _, want := range []string{`line 2, column joint_service: must be empty for category elderly (cap 6)`, `line 3, column member_code: member "Z99" does not exist`} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v does not say %q", err, want)
			}
		}
		// A year out of range.
		if _, err := stars.New(s).Import(ctx, 1800, starRows([]string{"A01", "1", "1", "1", "1", "1"}), store.CLI); !errors.Is(err, pingyi.ErrInvalid) {
			t.Errorf("year 1800: %v", err)
		}
	})
}

func TestImportStarsAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		starSeed(t, s)
		if _, err := stars.New(s).Import(ctx, starYear, starRows([]string{"A01", "2", "2", "2", "2", "2"}, []string{"A02", "1", "1", "1", "1", "1"}), store.CLI); err != nil {
			t.Fatal(err)
		}
		before := starDump(t, s)
		beforeMap := starRatingMap(t, s, starYear)
		// Good rows that revise and add, then one bad row at the end.
		rows := starRows(
			[]string{"A01", "0", "0", "0", "0", "0"},
			[]string{"A03", "1", "1", "1", "1", "1"},
			[]string{"E01", "2", "2", "2", "", ""},
			[]string{"A04", "1", "1", "1", "1", "5"},
		)
		if _, err := stars.New(s).Import(ctx, starYear, rows, store.CLI); err == nil {
			t.Fatal("accepted a file with a bad value")
		}
		if after := starDump(t, s); after != before {
			t.Errorf("refused file changed the star tables\nbefore:\n%s\nafter:\n%s", before, after)
		}
		if got := starRatingMap(t, s, starYear); !reflect.DeepEqual(got, beforeMap) {
			t.Errorf("ratings %v, want %v", got, beforeMap)
		}
	})
}

func TestImportStarsReplaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		starSeed(t, s)
		if _, err := stars.New(s).Import(ctx, starYear, starRows(
			[]string{"A01", "2", "2", "2", "2", "2"},
			[]string{"A02", "1", "1", "1", "1", "1"},
			[]string{"E01", "1", "1", "1", "", ""},
		), store.CLI); err != nil {
			t.Fatal(err)
		}
		// The committee revises A01 and E01, confirms A02, adds A03.
		stats, err := stars.New(s).Import(ctx, starYear, starRows(
			[]string{"A01", "1", "0", "1", "0", "1"},
			[]string{"A02", "1", "1", "1", "1", "1"},
			[]string{"E01", "2", "2", "2", "", ""},
			[]string{"A03", "0", "1", "2", "1", "0"},
		), store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		if stats != (store.ImportStats{Created: 1, Updated: 2, Unchanged: 1}) {
			t.Errorf("stats %+v", stats)
		}
		want := map[string]string{
			"A01": "1,0,1,0,1=3/10 import",
			"A02": "1,1,1,1,1=5/10 import",
			"A03": "0,1,2,1,0=4/10 import",
			"E01": "2,2,2,,=6/6 import",
		}
		if got := starRatingMap(t, s, starYear); !reflect.DeepEqual(got, want) {
			t.Errorf("ratings\n got %v\nwant %v", got, want)
		}
		var n int
		s.DB.QueryRow(`SELECT COUNT(*) FROM star_ratings`).Scan(&n)
		if n != 4 {
			t.Errorf("%d rating rows, want 4 (one per member and year)", n)
		}
		log, _ := s.AuditLog(ctx, "star_rating", "2024/A01", 10)
		if len(log) != 2 || log[0].Action != "update" || !strings.Contains(log[0].Before, `"Total":10`) || !strings.Contains(log[0].After, `"Total":3`) {
			t.Errorf("audit of the revision: %+v", log)
		}
		// A committee entry on a page replaces too.
		r, err := stars.New(s).SetRating(ctx, starYear, "A02", map[pingyi.Star]string{"ideology": "2", "compliance": "2", "civilization": "2", "joint_service": "2", "post_duty": "1"}, store.CLI)
		if err != nil || r.Total != 9 || r.Source != stars.SourceCommittee {
			t.Fatalf("SetStarRating: %+v %v", r, err)
		}
		if got := starRatingMap(t, s, starYear)["A02"]; got != "2,2,2,2,1=9/10 committee" {
			t.Errorf("A02 %s", got)
		}
		if _, err := stars.New(s).SetRating(ctx, starYear, "E02", map[pingyi.Star]string{"ideology": "2", "compliance": "2", "civilization": "2", "post_duty": "1"}, store.CLI); err == nil {
			t.Error("SetStarRating accepted post_duty for an elderly member")
		} else if got := starPlaces(t, err); !reflect.DeepEqual(got, []string{"line 0, column post_duty"}) {
			t.Errorf("SetStarRating refused at %v", got)
		}
	})
}

// starFinalizeFixture: B1 has 4 excellent of 10 (limit 3), B2 has 4
// excellent of 10 cap-6 members (limit 3), B3 (under C2) is within quota.
func starFinalizeFixture(t *testing.T, s *store.Store) {
	t.Helper()
	var rows [][]string
	for i := 1; i <= 10; i++ {
		code := fmt.Sprintf("A%02d", i)
		switch {
		case i <= 4:
			rows = append(rows, []string{code, "2", "2", "2", "2", "1"}) // 9: excellent
		case i <= 8:
			rows = append(rows, []string{code, "2", "1", "1", "1", "1"}) // 6: good
		default:
			rows = append(rows, []string{code, "1", "1", "1", "0", "0"}) // 3: poor
		}
	}
	for i := 1; i <= 10; i++ {
		code := fmt.Sprintf("E%02d", i)
		switch {
		case i <= 4:
			rows = append(rows, []string{code, "2", "2", "1", "", ""}) // 5: excellent
		case i <= 9:
			rows = append(rows, []string{code, "2", "1", "1", "", ""}) // 4: good
		default:
			rows = append(rows, []string{code, "1", "1", "0", "", ""}) // 2: poor
		}
	}
	rows = append(rows,
		[]string{"X01", "2", "2", "2", "2", "2"}, // 10: excellent (limit ⌊0.3×4⌋ = 1)
		[]string{"X02", "0", "1", "1", "1", "0"}, // 3: poor
		[]string{"X03", "1", "1", "1", "1", "1"},
		[]string{"X04", "1", "1", "1", "2", "1"},
		[]string{"X05", "2", "1", "1", "", ""}, // 4 of 6: good (a lone cap-6 member cannot be excellent: limit 0)
	)
	if _, err := stars.New(s).Import(context.Background(), starYear, starRows(rows...), store.CLI); err != nil {
		t.Fatal(err)
	}
}

func TestFinalizeStars(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		starSeed(t, s)
		starFinalizeFixture(t, s)
		before := starDump(t, s)

		rows, viol, err := stars.New(s).Finalize(ctx, starYear, "C1", store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		want := []rules.QuotaViolation{
			{BranchCode: "B1", Cap: 10, Count: 4, Limit: 3, Members: 10},
			{BranchCode: "B2", Cap: 6, Count: 4, Limit: 3, Members: 10},
		}
		if !reflect.DeepEqual(viol, want) {
			t.Fatalf("violations %+v, want %+v", viol, want)
		}
		if got := viol[0].String(); got != "branch B1: 4 excellent of cap 10, limit 3 (of 10 rated)" {
			t.Errorf("violation reads %q", got)
		}
		if len(rows) != 20 {
			t.Errorf("%d rows considered, want 20 (B1 and B2 only)", len(rows))
		}
		if after := starDump(t, s); after != before {
			t.Errorf("a refused finalization stored something\n%s", after)
		}
		if res, _ := stars.New(s).Results(ctx, pingyi.Scope{}, starYear, ""); len(res) != 0 {
			t.Errorf("results after refusal: %+v", res)
		}

		// Only one branch over quota: still nothing stored, and only it named.
		if _, err := stars.New(s).Import(ctx, starYear, starRows([]string{"E04", "2", "1", "1", "", ""}), store.CLI); err != nil {
			t.Fatal(err)
		}
		_, viol, err = stars.New(s).Finalize(ctx, starYear, "C1", store.CLI)
		if err != nil || len(viol) != 1 || viol[0].BranchCode != "B1" {
			t.Fatalf("after revising B2: %+v %v", viol, err)
		}
		if res, _ := stars.New(s).Results(ctx, pingyi.Scope{}, starYear, ""); len(res) != 0 {
			t.Errorf("results stored while B1 is over quota: %d", len(res))
		}

		// The committee revises B1: now it goes through.
		if _, err := stars.New(s).Import(ctx, starYear, starRows([]string{"A04", "2", "2", "2", "1", "1"}), store.CLI); err != nil {
			t.Fatal(err)
		}
		rows, viol, err = stars.New(s).Finalize(ctx, starYear, "C1", store.CLI)
		if err != nil || len(viol) != 0 {
			t.Fatalf("finalize: %+v %v", viol, err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, fmt.Sprintf("%s,%d,%d,%s,%s", r.MemberCode, r.Stars, r.Cap, r.Level, r.HelperCode))
		}
		wantRows := []string{
			"A01,9,10,excellent,", "A02,9,10,excellent,", "A03,9,10,excellent,", "A04,8,10,good,",
			"A05,6,10,good,", "A06,6,10,good,", "A07,6,10,good,", "A08,6,10,good,",
			"A09,3,10,poor,A01", "A10,3,10,poor,A02",
			"E01,5,6,excellent,", "E02,5,6,excellent,", "E03,5,6,excellent,", "E04,4,6,good,",
			"E05,4,6,good,", "E06,4,6,good,", "E07,4,6,good,", "E08,4,6,good,", "E09,4,6,good,",
			"E10,2,6,poor,E01",
		}
		if !reflect.DeepEqual(got, wantRows) {
			t.Errorf("rows\n got %v\nwant %v", got, wantRows)
		}
		// Stored as returned, helpers included; C2's B3 untouched.
		res, err := stars.New(s).Results(ctx, pingyi.Scope{}, starYear, "")
		if err != nil {
			t.Fatal(err)
		}
		var stored []string
		for _, r := range res {
			stored = append(stored, fmt.Sprintf("%s,%d,%d,%s,%s", r.MemberCode, r.Stars, r.Cap, r.Level, r.HelperCode))
		}
		if !reflect.DeepEqual(stored, wantRows) {
			t.Errorf("stored\n got %v\nwant %v", stored, wantRows)
		}
		poor, _ := stars.New(s).Results(ctx, pingyi.Scope{}, starYear, pingyi.LevelPoor)
		if len(poor) != 3 || poor[0].HelperName != "党员A01" || poor[0].OrgCode != "B1" {
			t.Errorf("lagging members %+v", poor)
		}
		var helpers int
		s.DB.QueryRow(`SELECT COUNT(*) FROM star_results WHERE helper_member_id IS NOT NULL`).Scan(&helpers)
		if helpers != 3 {
			t.Errorf("%d helper pairings stored, want 3", helpers)
		}
		if log, _ := s.AuditLog(ctx, "star_results", "2024/C1", 5); len(log) != 1 || log[0].Action != "finalize" {
			t.Errorf("finalization audit %+v", log)
		}

		// Finalizing again after a revision replaces the earlier results.
		if _, err := stars.New(s).Import(ctx, starYear, starRows([]string{"A09", "1", "1", "1", "1", "1"}), store.CLI); err != nil {
			t.Fatal(err)
		}
		if _, viol, err := stars.New(s).Finalize(ctx, starYear, "G1", store.CLI); err != nil || len(viol) != 0 {
			t.Fatalf("refinalize G1: %v %v", viol, err)
		}
		res, _ = stars.New(s).Results(ctx, pingyi.Scope{}, starYear, "")
		if len(res) != 20 {
			t.Errorf("%d results after refinalizing G1, want 20", len(res))
		}
		for _, r := range res {
			switch r.MemberCode {
			case "A09":
				if r.Level != pingyi.LevelGood || r.Stars != 5 || r.HelperCode != "" {
					t.Errorf("A09 after revision: %+v", r)
				}
			case "A10":
				if r.HelperCode != "A01" {
					t.Errorf("A10 helper %q, want A01 (the only poor member left in B1)", r.HelperCode)
				}
			case "E10":
				if r.HelperCode != "E01" || r.FinalizedAt == "" {
					t.Errorf("E10 (outside G1) changed: %+v", r)
				}
			}
		}
	})
}

func TestFinalizeStarsScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		starSeed(t, s)
		starFinalizeFixture(t, s)
		// C2 holds only B3: B1 and B2 being over quota does not matter.
		rows, viol, err := stars.New(s).Finalize(ctx, starYear, "C2", store.CLI)
		if err != nil || len(viol) != 0 {
			t.Fatalf("C2: %+v %v", viol, err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, fmt.Sprintf("%s,%d,%d,%s,%s", r.MemberCode, r.Stars, r.Cap, r.Level, r.HelperCode))
		}
		want := []string{"X01,10,10,excellent,", "X02,3,10,poor,X01", "X03,5,10,good,", "X04,6,10,good,", "X05,4,6,good,"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("C2 rows %v, want %v", got, want)
		}
		res, _ := stars.New(s).Results(ctx, pingyi.Scope{}, starYear, "")
		if len(res) != 5 {
			t.Errorf("%d results, want the 5 of C2", len(res))
		}
		// A branch as scope: its own members; B2 (sibling of G1) stays out.
		rows, viol, err = stars.New(s).Finalize(ctx, starYear, "B2", store.CLI)
		if err != nil || len(viol) != 1 || viol[0].BranchCode != "B2" || len(rows) != 10 {
			t.Errorf("B2: %d rows %+v %v", len(rows), viol, err)
		}
		// Scoped listings.
		c2, err := s.Org(ctx, "C2")
		if err != nil {
			t.Fatal(err)
		}
		if list, _ := stars.New(s).Ratings(ctx, pingyi.Scope{Path: c2.Path}, starYear); len(list) != 5 {
			t.Errorf("ratings in C2: %d, want 5", len(list))
		}
		b1, _ := s.Org(ctx, "B1")
		if list, _ := stars.New(s).Results(ctx, pingyi.Scope{Path: b1.Path}, starYear, ""); len(list) != 0 {
			t.Errorf("results in B1: %d, want 0", len(list))
		}
		// A member whose category changed since the rating (migrant → cadre:
		// cap 6 → 10) must be rated again before finalizing.
		if _, err := s.ImportMembers(ctx, []store.MemberRow{{Line: 2, Code: "X05", Name: "党员X05", OrgCode: "B3", Category: "cadre", IsSecretary: "false"}}, store.CLI); err != nil {
			t.Fatal(err)
		}
		if _, _, err := stars.New(s).Finalize(ctx, starYear, "C2", store.CLI); !errors.Is(err, pingyi.ErrConflict) || !strings.Contains(err.Error(), "X05") {
			t.Errorf("stale category: %v", err)
		}
		if _, err := stars.New(s).Import(ctx, starYear, starRows([]string{"X05", "1", "1", "1", "1", "1"}), store.CLI); err != nil {
			t.Fatal(err)
		}
		if rows, _, err := stars.New(s).Finalize(ctx, starYear, "C2", store.CLI); err != nil || len(rows) != 5 || rows[4].Cap != 10 {
			t.Errorf("after re-rating X05: %+v %v", rows, err)
		}
		// An unknown scope; a year without ratings.
		if _, _, err := stars.New(s).Finalize(ctx, starYear, "NOPE", store.CLI); !errors.Is(err, pingyi.ErrNotFound) {
			t.Errorf("unknown scope: %v", err)
		}
		if rows, viol, err := stars.New(s).Finalize(ctx, starYear+1, "C1", store.CLI); err != nil || len(rows)+len(viol) != 0 {
			t.Errorf("empty year: %v %v %v", rows, viol, err)
		}
	})
}

func TestStarRulesOfAYear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		starSeed(t, s)
		starFinalizeFixture(t, s)
		set, err := stars.New(s).RuleSettings(ctx, starYear)
		if err != nil || set.Custom || set.QuotaPercent != 30 || set.Excellent10 != 9 || set.Poor6 != 2 || set.WeightMass != "0.5" {
			t.Fatalf("defaults %+v %v", set, err)
		}
		bad := set
		bad.QuotaPercent, bad.Poor10, bad.WeightPeer = 120, 9, "x"
		if err := stars.New(s).SetRuleSettings(ctx, starYear, bad, store.CLI); err == nil {
			t.Error("bad settings accepted")
		} else if got := starPlaces(t, err); !reflect.DeepEqual(got, []string{"line 0, column quota_percent", "line 0, column poor_10", "line 0, column weight_peer"}) {
			t.Errorf("bad settings named %v", got)
		}
		// A 40% quota lets B1 and B2 keep 4 excellent of 10.
		set.QuotaPercent = 40
		if err := stars.New(s).SetRuleSettings(ctx, starYear, set, store.CLI); err != nil {
			t.Fatal(err)
		}
		if _, viol, err := stars.New(s).Finalize(ctx, starYear, "C1", store.CLI); err != nil || len(viol) != 0 {
			t.Errorf("with 40%%: %+v %v", viol, err)
		}
		// The next year keeps the defaults.
		if r, _ := stars.New(s).Rules(ctx, starYear+1); r.QuotaPercent != 30 {
			t.Errorf("next year quota %d", r.QuotaPercent)
		}
		if err := stars.New(s).ResetRules(ctx, starYear, store.CLI); err != nil {
			t.Fatal(err)
		}
		if _, viol, _ := stars.New(s).Finalize(ctx, starYear, "C1", store.CLI); len(viol) != 2 {
			t.Errorf("after reset: %+v", viol)
		}
	})
}

func TestStarCycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		starSeed(t, s)
		me := store.Actor{Username: "sec"}

		// 责任书.
		g := &stars.Goal{Year: starYear, MemberCode: "A01", StarsAimed: 9, Post: stars.PostTechDemo, Household1: "李家", Household2: "王家", MemberSigned: "2024-03-01"}
		if err := stars.New(s).SaveGoal(ctx, g, me); err != nil {
			t.Fatal(err)
		}
		g2 := &stars.Goal{Year: starYear, MemberCode: "A01", StarsAimed: 10, Post: "环境整治岗", Household1: "李家", SecretarySigned: "2024-03-02"}
		if err := stars.New(s).SaveGoal(ctx, g2, me); err != nil || g2.ID != g.ID {
			t.Fatalf("revise goal: %v (id %d vs %d)", err, g2.ID, g.ID)
		}
		if err := stars.New(s).SaveGoal(ctx, &stars.Goal{Year: starYear, MemberCode: "E01", StarsAimed: 6}, me); err != nil {
			t.Fatal(err)
		}
		err := stars.New(s).SaveGoal(ctx, &stars.Goal{Year: starYear, MemberCode: "E02", StarsAimed: 7, Post: stars.PostStability, MemberSigned: "2024-13-01"}, me)
		if got := starPlaces(t, err); !reflect.DeepEqual(got, []string{"line 0, column stars_aimed", "line 0, column post", "line 0, column member_signed"}) {
			t.Errorf("bad cap-6 goal named %v", got)
		}
		err = stars.New(s).SaveGoal(ctx, &stars.Goal{Year: starYear, MemberCode: "A02", StarsAimed: 8}, me)
		if got := starPlaces(t, err); !reflect.DeepEqual(got, []string{"line 0, column post", "line 0, column household1"}) {
			t.Errorf("incomplete cap-10 goal named %v", got)
		}
		if err := stars.New(s).SaveGoal(ctx, &stars.Goal{Year: starYear, MemberCode: "NOPE"}, me); !errors.Is(err, pingyi.ErrNotFound) {
			t.Errorf("goal of unknown member: %v", err)
		}
		goals, err := stars.New(s).Goals(ctx, pingyi.Scope{}, starYear, false)
		if err != nil || len(goals) != 2 || goals[0].MemberCode != "A01" || goals[0].StarsAimed != 10 || goals[0].Household2 != "" || goals[0].Post != "环境整治岗" || goals[0].Cap != 10 {
			t.Errorf("goals %+v %v", goals, err)
		}
		if pub, _ := stars.New(s).Goals(ctx, pingyi.Scope{}, starYear, true); len(pub) != 0 {
			t.Errorf("public goals %d", len(pub))
		}

		// 纪实 with a photo.
		png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
		e := &stars.LogEntry{MemberCode: "A01", Day: "2024-04-05", Kind: stars.LogHouseholdService, Served: "李家", People: 3, Content: "帮助春耕", Photo: png}
		if err := stars.New(s).AddLogEntry(ctx, e, me); err != nil {
			t.Fatal(err)
		}
		if e.PhotoMime != "image/png" {
			t.Errorf("mime %q", e.PhotoMime)
		}
		if err := stars.New(s).AddLogEntry(ctx, &stars.LogEntry{MemberCode: "A01", Day: "2024-05-01", Kind: stars.LogServiceActivity, Content: "清扫道路"}, me); err != nil {
			t.Fatal(err)
		}
		err = stars.New(s).AddLogEntry(ctx, &stars.LogEntry{MemberCode: "A01", Day: "05/01", Kind: "party", Photo: []byte("plain text")}, me)
		if got := starPlaces(t, err); !reflect.DeepEqual(got, []string{"line 0, column day", "line 0, column kind", "line 0, column content", "line 0, column photo"}) {
			t.Errorf("bad entry named %v", got)
		}
		log, err := stars.New(s).Log(ctx, pingyi.Scope{}, stars.LogFilter{MemberCode: "A01", Year: starYear})
		if err != nil || len(log) != 2 || log[0].Day != "2024-05-01" || log[1].HasPhoto != true || log[1].Photo != nil {
			t.Errorf("log %+v %v", log, err)
		}
		photo, mime, _, err := stars.New(s).LogPhoto(ctx, e.ID)
		if err != nil || mime != "image/png" || string(photo) != string(png) {
			t.Errorf("photo %d bytes %q %v", len(photo), mime, err)
		}
		e.Content, e.Photo = "帮助春耕和浇水", nil
		if err := stars.New(s).UpdateLogEntry(ctx, e, true, me); err != nil {
			t.Fatal(err)
		}
		if photo, _, _, err := stars.New(s).LogPhoto(ctx, e.ID); err != nil || len(photo) != len(png) {
			t.Errorf("photo kept: %d %v", len(photo), err)
		}
		if err := stars.New(s).UpdateLogEntry(ctx, e, false, me); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := stars.New(s).LogPhoto(ctx, e.ID); !errors.Is(err, pingyi.ErrNotFound) {
			t.Errorf("photo removed: %v", err)
		}
		if err := stars.New(s).DeleteLogEntry(ctx, e.ID, me); err != nil {
			t.Fatal(err)
		}
		if log, _ := stars.New(s).Log(ctx, pingyi.Scope{}, stars.LogFilter{Year: starYear + 1}); len(log) != 0 {
			t.Errorf("next year's log %d", len(log))
		}
		c2, _ := s.Org(ctx, "C2")
		if log, _ := stars.New(s).Log(ctx, pingyi.Scope{Path: c2.Path}, stars.LogFilter{}); len(log) != 0 {
			t.Errorf("log visible outside scope: %d", len(log))
		}

		// 半年预评.
		p, err := stars.New(s).SavePreassessment(ctx, starYear, "E01", map[pingyi.Star]string{"ideology": "2", "compliance": "1", "civilization": "1"}, "上半年述职", me)
		if err != nil || p.Total != 4 || p.Cap != 6 {
			t.Fatalf("pre %+v %v", p, err)
		}
		if _, err := stars.New(s).SavePreassessment(ctx, starYear, "E01", map[pingyi.Star]string{"ideology": "2", "compliance": "2", "civilization": "1"}, "改", me); err != nil {
			t.Fatal(err)
		}
		pres, _ := stars.New(s).Preassessments(ctx, pingyi.Scope{}, starYear)
		if len(pres) != 1 || pres[0].Total != 5 || pres[0].Debrief != "改" {
			t.Errorf("pre-assessments %+v", pres)
		}

		// 三评 and the suggestion: A01 self 2,2,2,2,2; peers A02 (1,1,1,1,1) and
		// A03 (2,2,2,2,1); masses 2,… ×1 and 0,… ×1.
		cells := func(v ...string) map[pingyi.Star]string {
			m := map[pingyi.Star]string{}
			for i, x := range v {
				m[pingyi.Stars[i]] = x
			}
			return m
		}
		must := func(_ *stars.Assessment, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(stars.New(s).RecordAssessment(ctx, starYear, "A01", stars.AssessSelf, "", cells("1", "1", "1", "1", "1"), me))
		must(stars.New(s).RecordAssessment(ctx, starYear, "A01", stars.AssessSelf, "A01", cells("2", "2", "2", "2", "2"), me)) // replaces
		must(stars.New(s).RecordAssessment(ctx, starYear, "A01", stars.AssessPeer, "A02", cells("0", "0", "0", "0", "0"), me))
		must(stars.New(s).RecordAssessment(ctx, starYear, "A01", stars.AssessPeer, "A02", cells("1", "1", "1", "1", "1"), me)) // replaces
		must(stars.New(s).RecordAssessment(ctx, starYear, "A01", stars.AssessPeer, "A03", cells("2", "2", "2", "2", "1"), me))
		must(stars.New(s).RecordAssessment(ctx, starYear, "A01", stars.AssessMass, "", cells("2", "2", "2", "2", "2"), me))
		must(stars.New(s).RecordAssessment(ctx, starYear, "A01", stars.AssessMass, "", cells("0", "0", "0", "0", "0"), me))
		_, err = stars.New(s).RecordAssessment(ctx, starYear, "A01", stars.AssessPeer, "E01", cells("1", "1", "1", "1", "1"), me)
		if got := starPlaces(t, err); !reflect.DeepEqual(got, []string{"line 0, column rater_code"}) {
			t.Errorf("peer from another branch named %v", got)
		}
		_, err = stars.New(s).RecordAssessment(ctx, starYear, "A01", stars.AssessMass, "A02", cells("1", "1", "1", "3", "1"), me)
		if got := starPlaces(t, err); !reflect.DeepEqual(got, []string{"line 0, column rater_code", "line 0, column joint_service"}) {
			t.Errorf("bad mass assessment named %v", got)
		}
		list, _ := stars.New(s).Assessments(ctx, starYear, "A01")
		if len(list) != 5 || list[0].Kind != stars.AssessSelf {
			t.Errorf("assessments %+v", list)
		}
		sg, err := stars.New(s).SuggestionFor(ctx, starYear, "A01")
		if err != nil {
			t.Fatal(err)
		}
		// ideology: self 2, peer 3/2, mass 1 → 0.2·2 + 0.3·1.5 + 0.5·1 = 1.35 → 1.
		// post_duty: self 2, peer 1, mass 1 → 0.4 + 0.3 + 0.5 = 1.2 → 1.
		w := rules.DefaultWeights()
		for _, st := range pingyi.Stars {
			v, ok := rules.Suggest(ratOf(sg.Self[st]), sg.Peer[st], sg.Mass[st], w)
			if !ok || sg.Suggested[st] != v {
				t.Errorf("%s: suggested %d, recomputed %d", st, sg.Suggested[st], v)
			}
		}
		if sg.Suggested[pingyi.StarIdeology] != 1 || sg.Suggested[pingyi.StarPostDuty] != 1 || sg.Total != 5 || !sg.Complete || sg.PeerCount != 2 || sg.MassCount != 2 {
			t.Errorf("suggestion %+v", sg)
		}
		if sg.Peer[pingyi.StarIdeology].RatString() != "3/2" || sg.Mass[pingyi.StarIdeology].RatString() != "1" {
			t.Errorf("means peer %s mass %s", sg.Peer[pingyi.StarIdeology].RatString(), sg.Mass[pingyi.StarIdeology].RatString())
		}
		all, _ := stars.New(s).Suggestions(ctx, pingyi.Scope{}, starYear)
		if len(all) != 1 {
			t.Errorf("%d suggestions", len(all))
		}

		// 后进党员帮扶: the helper defaults to the one finalization paired.
		if _, err := stars.New(s).Import(ctx, starYear, starRows(
			[]string{"A01", "2", "2", "2", "2", "2"},
			[]string{"A02", "0", "0", "1", "0", "0"},
			[]string{"A03", "1", "1", "1", "1", "1"},
			[]string{"A04", "1", "1", "1", "1", "1"},
		), me); err != nil {
			t.Fatal(err)
		}
		if _, viol, err := stars.New(s).Finalize(ctx, starYear, "B1", me); err != nil || len(viol) != 0 {
			t.Fatalf("finalize: %v %v", viol, err)
		}
		f := &stars.FollowUp{Year: starYear, MemberCode: "A02", Day: "2024-12-20", Note: "谈心谈话"}
		if err := stars.New(s).AddFollowUp(ctx, f, me); err != nil || f.HelperCode != "A01" {
			t.Fatalf("follow-up %+v %v", f, err)
		}
		err = stars.New(s).AddFollowUp(ctx, &stars.FollowUp{Year: starYear, MemberCode: "A03", Day: "2024-12-20", Note: "x"}, me)
		if got := starPlaces(t, err); !reflect.DeepEqual(got, []string{"line 0, column helper_code"}) {
			t.Errorf("follow-up without a helper named %v", got)
		}
		if fs, _ := stars.New(s).FollowUps(ctx, pingyi.Scope{}, starYear, "A02"); len(fs) != 1 || fs[0].HelperName != "党员A01" {
			t.Errorf("follow-ups %+v", fs)
		}

		// Door-plate comments.
		c, err := stars.New(s).AddComment(ctx, "A01", "  热心帮助邻里  ")
		if err != nil || c.Status != stars.CommentPending || c.Text != "热心帮助邻里" {
			t.Fatalf("comment %+v %v", c, err)
		}
		if _, err := stars.New(s).AddComment(ctx, "A01", strings.Repeat("好", stars.MaxCommentRunes+1)); err == nil {
			t.Error("long comment accepted")
		}
		if _, err := stars.New(s).AddComment(ctx, "A01", " "); err == nil {
			t.Error("empty comment accepted")
		}
		if list, _ := stars.New(s).ApprovedComments(ctx, "A01"); len(list) != 0 {
			t.Errorf("pending comment shown: %+v", list)
		}
		if q, _ := stars.New(s).Comments(ctx, pingyi.Scope{}, stars.CommentPending); len(q) != 1 {
			t.Errorf("review queue %d", len(q))
		}
		if err := stars.New(s).ReviewComment(ctx, c.ID, "maybe", me); err == nil {
			t.Error("bad status accepted")
		}
		if err := stars.New(s).ReviewComment(ctx, c.ID, stars.CommentApproved, me); err != nil {
			t.Fatal(err)
		}
		if list, _ := stars.New(s).ApprovedComments(ctx, "A01"); len(list) != 1 || list[0].ReviewedAt == "" {
			t.Errorf("approved %+v", list)
		}
		if hist, _ := stars.New(s).MemberResults(ctx, "A01"); len(hist) != 1 || hist[0].Level != pingyi.LevelExcellent {
			t.Errorf("history %+v", hist)
		}
	})
}

func ratOf(v int) *big.Rat { return big.NewRat(int64(v), 1) }
