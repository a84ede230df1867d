package cli_test

// The command line end to end (SPEC §6), on SQLite and PostgreSQL: exit
// statuses 0/1/2, refused files named by line and column on stderr and
// changing nothing, CSV and XLSX giving the same database, and the results
// file of a small campaign computed by hand.

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/appraisal/appraisaltest"
	"github.com/pingyi/pingyi/internal/cli"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// ---------------------------------------------------------------------------
// Helpers.

type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// pingyi runs the command line with --db dsn.
func pingyi(dsn string, args ...string) result {
	var out, errb bytes.Buffer
	all := args
	if dsn != "" {
		all = append([]string{"--db", dsn}, args...)
	}
	code := cli.Main(all, strings.NewReader(""), &out, &errb)
	return result{code, out.String(), errb.String()}
}

// ok runs a command that must succeed.
func ok(t *testing.T, dsn string, args ...string) result {
	t.Helper()
	r := pingyi(dsn, args...)
	if r.code != 0 {
		t.Fatalf("pingyi %s: %v", strings.Join(args, " "), r)
	}
	return r
}

// refused runs a command that must be refused (exit 1) naming every place
// in want ("line N, column X") on stderr, and leave the database as it was.
func refused(t *testing.T, dsn string, want []string, args ...string) result {
	t.Helper()
	before := dump(t, dsn)
	r := pingyi(dsn, args...)
	if r.code != cli.ExitRefused {
		t.Errorf("pingyi %s: want exit 1, got %v", strings.Join(args, " "), r)
	}
	for _, w := range want {
		if !hasLineStarting(r.stderr, w) {
			t.Errorf("pingyi %s: stderr does not name %q:\n%s", strings.Join(args, " "), w, r.stderr)
		}
	}
	if after := dump(t, dsn); after != before {
		t.Errorf("pingyi %s: a refused command changed the database", strings.Join(args, " "))
	}
	return r
}

func hasLineStarting(text, prefix string) bool {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix+":") {
			return true
		}
	}
	return false
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeXLSX writes rows (any cell type: strings, numbers, booleans) to the
// first sheet of a new workbook; a second sheet holds junk that must be
// ignored.
func writeXLSX(t *testing.T, name string, rows [][]any) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	f.SetSheetName(sheet, "名单")
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("名单", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.NewSheet("说明"); err != nil {
		t.Fatal(err)
	}
	f.SetCellValue("说明", "A1", "this sheet is not read")
	p := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// eachDB runs fn on a fresh SQLite file and on a fresh PostgreSQL schema
// (skipped without a server).
func eachDB(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, storetest.SQLiteDSN(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, storetest.PostgresDSN(t)) })
}

func openDB(t *testing.T, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// dump is every row of every table the commands touch (storetest.Dump).
func dump(t *testing.T, dsn string) string {
	t.Helper()
	s := openDB(t, dsn)
	defer s.Close()
	return storetest.Dump(t, s)
}

// state is the database by codes, without IDs or times.
func state(t *testing.T, dsn string) string {
	t.Helper()
	s := openDB(t, dsn)
	defer s.Close()
	return appraisaltest.State(t, s)
}

// ---------------------------------------------------------------------------
// Exit statuses.

func TestUsage(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	good := write(t, "orgs.csv", "code,name,type,domain,parent_code,window_unit\nC,某镇党委,committee,rural,,\n")
	for _, tc := range []struct {
		args []string
		want int
	}{
		{nil, 2},
		{[]string{"frobnicate"}, 2},
		{[]string{"import"}, 2},
		{[]string{"import", "teachers", good}, 2},
		{[]string{"import", "orgs"}, 2},
		{[]string{"import", "members"}, 2},
		{[]string{"import", "orgs", good, good}, 2},
		{[]string{"import", "orgs", "--dry-run", good}, 2},
		{[]string{"--verbose", "import", "orgs", good}, 2},
		{[]string{"import", "ballots", good}, 2},              // no --campaign
		{[]string{"import", "ballots", "--campaign", "K"}, 2}, // no FILE
		{[]string{"results"}, 2},
		{[]string{"results", "--campaign"}, 2},
		{[]string{"results", "--campaign", "K", "--format", "xml"}, 2},
		{[]string{"campaign", "create", "--code", "K"}, 2},
		{[]string{"campaign", "create", "--code", "K", "--name", "n", "--scope", "C", "--kind", "mass", "--scale"}, 2},
		{[]string{"--help"}, 0},
		{[]string{"help"}, 0},
		{[]string{"import", "orgs", "--help"}, 0},
		// Not usage errors: the input is refused.
		{[]string{"import", "orgs", filepath.Join(t.TempDir(), "missing.csv")}, 1},
		{[]string{"import", "orgs", write(t, "orgs.txt", "code\n")}, 1},
		{[]string{"import", "orgs", write(t, "orgs.xls", "code\n")}, 1},
		{[]string{"import", "orgs", write(t, "fake.xlsx", "code,name\n")}, 1},
		{[]string{"results", "--campaign", "NOPE"}, 1},
		{[]string{"import", "ballots", "--campaign", "NOPE", write(t, "b.csv", "ballot_no,evaluator_category,target_type,target_code,rating\n")}, 1},
		{[]string{"import", "orgs", good}, 0},
		{[]string{"campaign", "create", "--code", "K", "--name", "n", "--scope", "NOPE", "--kind", "mass"}, 1},
		{[]string{"campaign", "create", "--code", "K", "--name", "n", "--scope", "C", "--kind", "party"}, 1},
		{[]string{"campaign", "create", "--code", "K", "--name", "n", "--scope", "C", "--kind", "mass", "--scale", "5"}, 1},
		{[]string{"campaign", "create", "--code", "K", "--name", "n", "--scope", "C", "--kind", "mass", "--targets", "org,boss"}, 1},
		{[]string{"campaign", "create", "--code", "K", "--name", "n", "--scope", "C", "--kind", "mass", "--min-mass-share", "80%"}, 1},
		{[]string{"campaign", "create", "--code", "K", "--name", "n", "--scope", "C", "--kind", "mass"}, 0},
		{[]string{"campaign", "create", "--code", "K", "--name", "n", "--scope", "C", "--kind", "mass"}, 1}, // exists
	} {
		r := pingyi(dsn, tc.args...)
		if r.code != tc.want {
			t.Errorf("pingyi %q: want exit %d, got %v", tc.args, tc.want, r)
		}
		if tc.want != 0 && r.stderr == "" {
			t.Errorf("pingyi %q: exit %d with nothing on stderr", tc.args, r.code)
		}
	}
	// --help prints its usage once, on stdout.
	for _, args := range [][]string{{"serve", "--help"}, {"import", "orgs", "-h"}} {
		if r := pingyi(dsn, args...); r.code != 0 || strings.Count(r.stdout+r.stderr, "Usage:") != 1 || !strings.Contains(r.stdout, "Usage:") {
			t.Errorf("pingyi %q: usage printed %d times (stdout %q, stderr %q)", args, strings.Count(r.stdout+r.stderr, "Usage:"), r.stdout, r.stderr)
		}
	}
	// A bad flag: the error and the usage once, on stderr.
	if r := pingyi(dsn, "serve", "--nope"); r.code != 2 || strings.Count(r.stderr, "Usage:") != 1 || !strings.Contains(r.stderr, "-nope") {
		t.Errorf("bad flag: %v", r)
	}
	if r := pingyi(dsn, "campaign", "create", "--code", "K"); !strings.Contains(r.stderr, "missing --name, --scope, --kind\n") {
		t.Errorf("missing options not named in order:\n%s", r.stderr)
	}
	if r := pingyi("", "--db="+dsn, "results", "--campaign", "K"); r.code != 0 {
		t.Errorf("--db=DSN: %v", r)
	}
	// PINGYI_DB chooses the database when --db is absent.
	t.Setenv("PINGYI_DB", dsn)
	if r := pingyi("", "results", "--campaign", "K"); r.code != 0 || !strings.HasPrefix(r.stdout, "target_type,") {
		t.Errorf("PINGYI_DB: %v", r)
	}
}

// ---------------------------------------------------------------------------
// Refusals through the command line: every bad line named, nothing changed.

const (
	orgsCSV = "\uFEFFcode,name,type,domain,parent_code,window_unit\r\n" +
		"B1,东村党支部,branch,rural,C,true\r\n" + // child before its parent
		"B2,\"西村党支部（二组, 三组）\",branch,rural,C,\r\n" +
		"C,某镇党委,committee,rural,,false\r\n" +
		"B3,南村党支部,branch,community,C,false\r\n" +
		"B4,北村党支部,branch,new_social,C,\r\n" +
		"\r\n"
	membersCSV = "code,name,org_code,category,is_secretary,phone,gender,birth_year,home_unit,community_code,id_number\n" +
		"M11,张书记,B1,cadre,true,13800138000,男,1965,,,330203197512310028\n" +
		"M12,李明,B1,farming,false,,女,1980,,,\n" +
		"M21,王书记,B2,in_service,是,0574-63012345,,1970,某区教育局,SQ01,\n" +
		"M22,赵强,B2,migrant,否,,,,,,\n"
)

func loadBase(t *testing.T, dsn string) {
	t.Helper()
	if r := ok(t, dsn, "import", "orgs", write(t, "orgs.csv", orgsCSV)); !strings.Contains(r.stdout, "5 created") {
		t.Errorf("import orgs: %v", r)
	}
	if r := ok(t, dsn, "import", "members", write(t, "members.csv", membersCSV)); !strings.Contains(r.stdout, "4 created") {
		t.Errorf("import members: %v", r)
	}
}

func TestRefusedFiles(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		loadBase(t, dsn)
		ok(t, dsn, "campaign", "create", "--code", "K", "--name", "2026年度群众评议", "--scope", "C", "--kind", "mass", "--year", "2026")
		ok(t, dsn, "import", "ballots", "--campaign", "K", write(t, "b0.csv", "ballot_no,evaluator_category,target_type,target_code,rating\n1,mass_rep,org,B3,满意\n"))

		orgHeader := "code,name,type,domain,parent_code,window_unit\n"
		refused(t, dsn, []string{"line 2, column type", "line 3, column domain", "line 4, column parent_code", "line 6, column code", "line 7, column window_unit"},
			"import", "orgs", write(t, "orgs.csv", orgHeader+
				"X1,x,party,rural,C,\n"+
				"X2,x,branch,moon,C,\n"+
				"X3,x,branch,rural,NOPE,\n"+
				"X4,x,branch,rural,C,\n"+
				"X4,x,branch,rural,C,\n"+
				"X5,x,branch,rural,C,yes please\n"))
		// A cycle made by re-import against the stored tree.
		refused(t, dsn, []string{"line 2, column parent_code"}, "import", "orgs", write(t, "orgs.csv", orgHeader+"C,某镇党委,committee,rural,B1,\n"))
		// Header without a required column.
		refused(t, dsn, []string{"line 1, column domain"}, "import", "orgs", write(t, "orgs.csv", "code,name,type,parent_code\nX,x,branch,C\n"))
		// The same in XLSX: the spreadsheet row numbers.
		refused(t, dsn, []string{"line 3, column type"}, "import", "orgs", writeXLSX(t, "orgs.xlsx", [][]any{
			{"code", "name", "type", "domain", "parent_code", "window_unit"},
			{"X1", "x", "branch", "rural", "C", false},
			{"X2", "x", "branchy", "rural", "C", true},
		}))

		memberHeader := "code,name,org_code,category,is_secretary,phone,id_number\n"
		refused(t, dsn, []string{"line 2, column org_code", "line 3, column category", "line 4, column phone", "line 5, column id_number", "line 6, column is_secretary"},
			"import", "members", write(t, "members.csv", memberHeader+
				"N1,x,B9,farming,false,,\n"+
				"N2,x,B3,retired,false,,\n"+
				"N3,x,B3,farming,false,1380013800,\n"+
				"N4,x,B3,farming,false,,330203197512310029\n"+
				"N5,x,B1,farming,true,,\n")) // B1 has M11
		refused(t, dsn, []string{"line 2, column is_secretary", "line 3, column is_secretary"},
			"import", "members", write(t, "members.csv", memberHeader+"N1,x,B3,farming,true,,\nN2,x,B3,farming,true,,\n"))
		refused(t, dsn, []string{"line 1, column is_secretary"}, "import", "members", write(t, "members.csv", "code,name,org_code,category\nN1,x,B3,farming\n"))

		ballotHeader := "ballot_no,evaluator_category,target_type,target_code,rating\n"
		r := refused(t, dsn, []string{
			"line 2, column target_code",  // C is the scope, not a target
			"line 4, column target_code",  // B1 twice on ballot 3
			"line 6, column target_code",  // ballot 4 spans B1 and B2
			"line 7, column rating",       // 比较满意 on a 3-level scale
			"line 8, column ballot_no",    // ballot 1 is already in K
			"line 9, column rating",       // not a rating
			"line 10, column target_code", // B3 has no secretary
		}, "import", "ballots", "--campaign", "K", write(t, "ballots.csv", ballotHeader+
			"2,mass_rep,org,C,满意\n"+
			"3,mass_rep,org,B1,满意\n"+
			"3,mass_rep,org,B1,不满意\n"+
			"4,mass_rep,member,M11,满意\n"+
			"4,mass_rep,member,M21,满意\n"+
			"5,mass_rep,org,B2,比较满意\n"+
			"1,mass_rep,org,B4,满意\n"+
			"6,mass_rep,org,B4,good\n"+
			"7,mass_rep,secretary,B3,满意\n"))
		if !strings.Contains(r.stderr, "nothing was changed") {
			t.Errorf("stderr does not say nothing was changed:\n%s", r.stderr)
		}
	})
}

// ---------------------------------------------------------------------------
// CSV and XLSX give the same database.

func TestCSVAndXLSXAgree(t *testing.T) {
	orgsXLSX := [][]any{
		{"Code", "Name", "Type", "Domain", "Parent_Code", "Window_Unit"},
		{"B1", "东村党支部", "branch", "rural", "C", true},
		{"B2", "西村党支部（二组, 三组）", "branch", "rural", "C", nil},
		{"C", "某镇党委", "committee", "rural", nil, false},
		{nil, nil, nil, nil, nil, nil},
		{"B3", "南村党支部", "branch", "community", "C", "false"},
		{"B4", "北村党支部", "branch", "new_social", "C", 0},
	}
	membersXLSX := [][]any{
		{"code", "name", "org_code", "category", "is_secretary", "phone", "gender", "birth_year", "home_unit", "community_code", "id_number"},
		{"M11", "张书记", "B1", "cadre", true, 13800138000, "男", 1965, nil, nil, 330203197512310028},
		{"M12", "李明", "B1", "farming", false, nil, "女", 1980.0, nil, nil, nil},
		{"M21", "王书记", "B2", "in_service", "是", "0574-63012345", nil, "1970", "某区教育局", "SQ01", nil},
		{"M22", "赵强", "B2", "migrant", 0, nil, nil, nil, nil, nil, nil},
	}
	ballotsCSV := "ballot_no,evaluator_category,target_type,target_code,rating\n" +
		"1,mass_rep,org,B1,满意\n1,mass_rep,secretary,B1,基本满意\n1,mass_rep,member,M12,不满意\n" +
		"2,party_member,org,B2,比较满意\n2,party_member,member,M22,弃权\n"
	ballotsXLSX := [][]any{
		{"ballot_no", "evaluator_category", "target_type", "target_code", "rating"},
		{1, "mass_rep", "org", "B1", "满意"},
		{1, "mass_rep", "secretary", "B1", "基本满意"},
		{1, "mass_rep", "member", "M12", "dissatisfied"},
		{2, "party_member", "org", "B2", "fairly_satisfied"},
		{2, "party_member", "member", "M22", "abstain"},
	}
	load := func(t *testing.T, dsn string, xlsx bool) {
		if xlsx {
			ok(t, dsn, "import", "orgs", writeXLSX(t, "orgs.xlsx", orgsXLSX))
			ok(t, dsn, "import", "members", writeXLSX(t, "members.XLSX", membersXLSX))
		} else {
			loadBase(t, dsn)
		}
		ok(t, dsn, "campaign", "create", "--code", "K", "--name", "评议", "--scope", "C", "--kind", "mass", "--scale", "4", "--year", "2026")
		if xlsx {
			ok(t, dsn, "import", "ballots", "--campaign", "K", writeXLSX(t, "ballots.xlsx", ballotsXLSX))
		} else {
			ok(t, dsn, "import", "ballots", "--campaign", "K", write(t, "ballots.csv", ballotsCSV))
		}
	}
	var states, results []string
	eachDB(t, func(t *testing.T, dsn string) {
		other := storetest.SQLiteDSN(t)
		if strings.HasPrefix(dsn, "postgres") {
			other = storetest.PostgresDSN(t)
		}
		load(t, dsn, false)
		load(t, other, true)
		a, b := state(t, dsn), state(t, other)
		if a != b {
			t.Errorf("CSV and XLSX differ:\nCSV:\n%s\nXLSX:\n%s", a, b)
		}
		if !strings.Contains(a, "M11|张书记|B1|cadre|1|13800138000|330203197512310028|male|1965||") {
			t.Errorf("M11 not as in the file:\n%s", a)
		}
		ra := ok(t, dsn, "results", "--campaign", "K").stdout
		rb := ok(t, other, "results", "--campaign", "K").stdout
		if ra != rb {
			t.Errorf("results differ:\nCSV:\n%s\nXLSX:\n%s", ra, rb)
		}
		states = append(states, a)
		results = append(results, ra)
	})
	// SQLite and PostgreSQL agree too.
	for i := 1; i < len(states); i++ {
		if states[i] != states[0] || results[i] != results[0] {
			t.Errorf("databases differ:\n%s\n%s\n%s\n%s", states[0], states[i], results[0], results[i])
		}
	}
}

// ---------------------------------------------------------------------------
// Results of a campaign computed by hand.

// The campaign K (mass, 4-level scale, minimum mass share 0.8) over C has
// targets: orgs B1–B4; secretaries B1 (M11) and B2 (M21); members M11, M12,
// M21, M22. S=满意 100, F=比较满意 80, B=基本满意 60, D=不满意 0, A=弃权.
//
// Unit B1, 5 ballots: 4 by the masses (mass_rep ×3, service_object), 1 by a
// party member: share 4/5 = 0.8, not under the minimum (no R4).
//
//	ballot  org B1  sec B1  M11  M12
//	1 mass  S       S       S    D
//	2 mass  S       F       B    D
//	3 mass  B       S       D    B
//	4 serv  D       S       S    A
//	5 pm    S       S       S    S
//
//	org B1: S3 B1 D1, valid 5: score 360/5 = 72.00, rate 4/5 = 80.00% (R2 is
//	        strictly under 80: no flag).
//	sec B1: S4 F1: score 480/5 = 96.00, rate 100.00.
//	M11:    S3 B1 D1: 72.00, 80.00.
//	M12:    S1 B1 D2 A1, valid 4: score 160/4 = 40.00 < 60 → admonish,
//	        no_award (R1); rate 2/4 = 50.00 → not_typical (R2).
//
// Unit B2, 3 ballots: party_member ×2, mass_rep ×1: share 1/3 < 0.8 → R4
// low_mass_share on every B2 target (M22 too, which has no rating).
//
//	ballot  org B2  sec B2  M21
//	6 pm    S       B       B
//	7 pm    S       D       B
//	8 mass  F       B       A
//
//	org B2: S2 F1: score 280/3 = 93.333… → 93.33, rate 100.00.
//	sec B2: B2 D1: score 120/3 = 40.00 → admonish, no_award; rate 2/3 =
//	        66.666…% → 66.67 (rounded up) → not_typical.
//	M21:    B2 A1, valid 2: score 120/2 = 60.00 (exactly 60: no R1), rate
//	        100.00.
//	M22:    no rating → no_ballots (R5), empty score and rate.
//
// Unit B3: no ballots → org B3 no_ballots (no R4: a unit without ballots has
// no share).
//
// Unit B4, 32 ballots by mass_rep: 5 S, 27 D on org B4: score 500/32 =
// 15.625 → 15.63 (half up), rate 5/32 = 15.625% → 15.63 → not_typical.
//
// R3: the mean of the org rates with valid ratings is (0.8 + 1 + 5/32) / 3
// = 0.652083…; only B4 (0.15625) is below → below_average (a mass campaign:
// no no_advanced_collective).
const wantResults = `target_type,target_code,valid,satisfied,fairly_satisfied,basically_satisfied,dissatisfied,abstain,score,satisfaction_rate,flags
member,M11,5,3,0,1,1,0,72.00,80.00,
member,M12,4,1,0,1,2,1,40.00,50.00,admonish;no_award;not_typical
member,M21,2,0,0,2,0,1,60.00,100.00,low_mass_share
member,M22,0,0,0,0,0,0,,,low_mass_share;no_ballots
org,B1,5,3,0,1,1,0,72.00,80.00,
org,B2,3,2,1,0,0,0,93.33,100.00,low_mass_share
org,B3,0,0,0,0,0,0,,,no_ballots
org,B4,32,5,0,0,27,0,15.63,15.63,below_average;not_typical
secretary,B1,5,4,1,0,0,0,96.00,100.00,
secretary,B2,3,0,0,2,1,0,40.00,66.67,admonish;low_mass_share;no_award;not_typical
`

func handBallots() string {
	var b strings.Builder
	b.WriteString("ballot_no,evaluator_category,target_type,target_code,rating\n")
	unitB1 := []struct{ cat, org, sec, m11, m12 string }{
		{"mass_rep", "满意", "满意", "满意", "不满意"},
		{"mass_rep", "满意", "比较满意", "基本满意", "不满意"},
		{"mass_rep", "基本满意", "满意", "不满意", "基本满意"},
		{"service_object", "不满意", "satisfied", "满意", "弃权"},
		{"party_member", "satisfied", "满意", "满意", "满意"},
	}
	for i, r := range unitB1 {
		no := strconv.Itoa(i + 1)
		fmt.Fprintf(&b, "%s,%s,org,B1,%s\n%s,%s,secretary,B1,%s\n%s,%s,member,M11,%s\n%s,%s,member,M12,%s\n",
			no, r.cat, r.org, no, r.cat, r.sec, no, r.cat, r.m11, no, r.cat, r.m12)
	}
	unitB2 := []struct{ cat, org, sec, m21 string }{
		{"party_member", "满意", "基本满意", "基本满意"},
		{"party_member", "满意", "不满意", "basically_satisfied"},
		{"mass_rep", "比较满意", "基本满意", "弃权"},
	}
	for i, r := range unitB2 {
		no := strconv.Itoa(i + 6)
		fmt.Fprintf(&b, "%s,%s,secretary,B2,%s\n%s,%s,org,B2,%s\n%s,%s,member,M21,%s\n", no, r.cat, r.sec, no, r.cat, r.org, no, r.cat, r.m21)
	}
	for i := range 32 {
		rating := "不满意"
		if i < 5 {
			rating = "满意"
		}
		fmt.Fprintf(&b, "P-%02d,mass_rep,org,B4,%s\n", i+1, rating)
	}
	return b.String()
}

func TestResultsByHand(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		loadBase(t, dsn)
		ok(t, dsn, "campaign", "create", "--code", "K", "--name", "2026年度群众评议", "--scope", "C", "--kind", "mass",
			"--year", "2026", "--scale", "4", "--min-mass-share", "0.8")
		// Before any ballot: every target listed, none rated.
		r := ok(t, dsn, "results", "--campaign", "K")
		if n := strings.Count(r.stdout, "no_ballots"); n != 10 {
			t.Errorf("%d targets without ballots before any ballot, want 10:\n%s", n, r.stdout)
		}
		file := write(t, "ballots.csv", handBallots())
		r = ok(t, dsn, "import", "ballots", "--campaign", "K", file)
		if !strings.Contains(r.stdout, "40 imported") {
			t.Errorf("import ballots: %v", r)
		}
		// The same file twice: every ballot number is already in K.
		r = refused(t, dsn, []string{"line 2, column ballot_no", "line 22, column ballot_no"}, "import", "ballots", "--campaign", "K", file)

		got := ok(t, dsn, "results", "--campaign", "K").stdout
		if got != wantResults {
			t.Errorf("results:\n%s\nwant:\n%s", got, wantResults)
		}

		// JSON: the same numbers.
		var js []struct {
			TargetType         string   `json:"target_type"`
			TargetCode         string   `json:"target_code"`
			Valid              int64    `json:"valid"`
			Satisfied          int64    `json:"satisfied"`
			FairlySatisfied    int64    `json:"fairly_satisfied"`
			BasicallySatisfied int64    `json:"basically_satisfied"`
			Dissatisfied       int64    `json:"dissatisfied"`
			Abstain            int64    `json:"abstain"`
			Score              *float64 `json:"score"`
			SatisfactionRate   *float64 `json:"satisfaction_rate"`
			Flags              []string `json:"flags"`
		}
		out := ok(t, dsn, "results", "--campaign", "K", "--format", "json").stdout
		if err := json.Unmarshal([]byte(out), &js); err != nil {
			t.Fatalf("results JSON: %v\n%s", err, out)
		}
		recs, err := csv.NewReader(strings.NewReader(got)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(js) != len(recs)-1 {
			t.Fatalf("%d JSON results, %d CSV rows", len(js), len(recs)-1)
		}
		f2 := func(p *float64) string {
			if p == nil {
				return ""
			}
			return strconv.FormatFloat(*p, 'f', 2, 64)
		}
		for i, j := range js {
			if j.Flags == nil {
				t.Errorf("%s %s: flags null, want a list", j.TargetType, j.TargetCode)
			}
			row := []string{j.TargetType, j.TargetCode, strconv.FormatInt(j.Valid, 10), strconv.FormatInt(j.Satisfied, 10),
				strconv.FormatInt(j.FairlySatisfied, 10), strconv.FormatInt(j.BasicallySatisfied, 10), strconv.FormatInt(j.Dissatisfied, 10),
				strconv.FormatInt(j.Abstain, 10), f2(j.Score), f2(j.SatisfactionRate), strings.Join(j.Flags, ";")}
			if strings.Join(row, ",") != strings.Join(recs[i+1], ",") {
				t.Errorf("JSON %v\n CSV %v", row, recs[i+1])
			}
		}
	})
}
