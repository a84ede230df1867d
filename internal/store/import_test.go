package store_test

// The import contract of SPEC §6, on SQLite and PostgreSQL: a table of good
// and bad files (every refusal reason, named by line and column), atomicity
// (a refused file leaves every table as it was, compared by a dump),
// re-import updates (names, parents with the materialized paths of whole
// subtrees, categories, secretaries), and the files an adversarial tester
// writes (BOM, CRLF, quoted fields, blank lines, Chinese text, parents after
// children, deep trees).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// The import helpers are storetest's (imports.go).
var (
	readCSV       = storetest.ReadCSV
	importOrgs    = storetest.ImportOrgsCSV
	importMembers = storetest.ImportMembersCSV
	okOrgs        = storetest.OkOrgs
	okMembers     = storetest.OkMembers
	errPlaces     = storetest.ErrPlaces
	diff          = storetest.Diff
	loadBase      = storetest.LoadBase
)

const (
	orgHeader    = storetest.OrgHeader
	baseOrgs     = storetest.BaseOrgs
	memberHeader = storetest.MemberHeader
	baseMembers  = storetest.BaseMembers
)

// ---------------------------------------------------------------------------
// Reading files the way the command line does.

// ---------------------------------------------------------------------------
// Dumps.

// dump is storetest.Dump: a refused import must leave it byte for byte
// as it was.
func dump(t testing.TB, s *store.Store) string { return storetest.Dump(t, s) }

// state is the database by codes (no IDs, no times): two databases loaded
// from the same data, in any order and any format, give the same state.
func state(t testing.TB, s *store.Store) string { return storetest.State(t, s) }

// checkTree asserts the materialized tree is consistent: every org's path
// is its parent's path plus its own id, its depth one more than its
// parent's.
func checkTree(t testing.TB, s *store.Store) {
	t.Helper()
	type org struct {
		code, path string
		parent     int64
		depth      int
	}
	orgs := map[int64]org{}
	rows, err := s.DB.Query(`SELECT id, code, COALESCE(parent_id, 0), path, depth FROM orgs`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var o org
		if err := rows.Scan(&id, &o.code, &o.parent, &o.path, &o.depth); err != nil {
			t.Fatal(err)
		}
		orgs[id] = o
	}
	rows.Close()
	for id, o := range orgs {
		wantPath, wantDepth := "/"+strconv.FormatInt(id, 10)+"/", 0
		if o.parent != 0 {
			p, ok := orgs[o.parent]
			if !ok {
				t.Errorf("org %s: parent %d missing", o.code, o.parent)
				continue
			}
			wantPath, wantDepth = p.path+strconv.FormatInt(id, 10)+"/", p.depth+1
		}
		if o.path != wantPath || o.depth != wantDepth {
			t.Errorf("org %s: path %q depth %d, want %q depth %d", o.code, o.path, o.depth, wantPath, wantDepth)
		}
	}
}

// ---------------------------------------------------------------------------
// Fixtures.

// ---------------------------------------------------------------------------
// Refusals: each reason, where it is named, and nothing changed.

type refusal struct {
	name  string
	kind  string // orgs, members, ballots
	file  string
	scale int // ballots: the campaign's scale (3 by default)
	want  []string
}

func TestImportRefusals(t *testing.T) {
	cases := []refusal{
		// --- orgs
		{name: "unknown type", kind: "orgs", file: orgHeader + "X1,x,party_cell,rural,C1,\n", want: []string{"line 2, column type"}},
		{name: "unknown type in Chinese", kind: "orgs", file: orgHeader + "X1,x,党小组,rural,C1,\n", want: []string{"line 2, column type"}},
		{name: "unknown domain", kind: "orgs", file: orgHeader + "X1,x,branch,farm,C1,\n", want: []string{"line 2, column domain"}},
		{name: "bad window_unit", kind: "orgs", file: orgHeader + "X1,x,branch,rural,C1,maybe\n", want: []string{"line 2, column window_unit"}},
		{name: "empty code and name", kind: "orgs", file: orgHeader + ",,branch,rural,C1,\n", want: []string{"line 2, column code", "line 2, column name"}},
		{name: "parent nowhere", kind: "orgs", file: orgHeader + "X1,x,branch,rural,NOPE,\n", want: []string{"line 2, column parent_code"}},
		{name: "own parent", kind: "orgs", file: orgHeader + "X1,x,branch,rural,X1,\n", want: []string{"line 2, column parent_code"}},
		{name: "cycle in the file", kind: "orgs", file: orgHeader +
			"X1,x1,general_branch,rural,X2,\n" + "X2,x2,general_branch,rural,X3,\n" + "X3,x3,general_branch,rural,X1,\n" + "X4,x4,branch,rural,C1,\n",
			want: []string{"line 2, column parent_code", "line 3, column parent_code", "line 4, column parent_code"}},
		{name: "cycle through stored rows", kind: "orgs", file: orgHeader + "C1,某镇党委,committee,rural,B1,\n",
			want: []string{"line 2, column parent_code"}},
		{name: "cycle through stored rows, child of a stored descendant", kind: "orgs", file: orgHeader + "G1,第一党总支,general_branch,rural,B1,\n",
			want: []string{"line 2, column parent_code"}},
		{name: "cycle named with the other errors", kind: "orgs", file: orgHeader +
			"X1,x,team,rural,C1,\n" + "A,a,branch,rural,B,\n" + "B,b,branch,rural,A,\n" + "D,d,branch,rural,A,\n" + "E,e,branch,rural,NOPE,\n",
			want: []string{"line 2, column type", "line 3, column parent_code", "line 4, column parent_code", "line 5, column parent_code", "line 6, column parent_code"}},
		{name: "own parent, with a child", kind: "orgs", file: orgHeader + "X1,x,branch,rural,X1,\nX2,y,branch,rural,X1,\n",
			want: []string{"line 2, column parent_code", "line 3, column parent_code"}},
		{name: "NUL and control characters", kind: "orgs", file: orgHeader + "X1,a\x00b,branch,rural,C1,\nX\x012,b,branch,rural,C1,\n",
			want: []string{"line 2, column name", "line 3, column code"}},
		{name: "duplicate code in file", kind: "orgs", file: orgHeader + "X1,x,branch,rural,C1,\nX2,y,branch,rural,C1,\nX1,z,branch,rural,C2,\n",
			want: []string{"line 4, column code"}},
		{name: "missing header column", kind: "orgs", file: "code,name,type,parent_code,window_unit\nX1,x,branch,C1,\n",
			want: []string{"line 1, column domain"}},
		{name: "header only names", kind: "orgs", file: "code,name\n", want: []string{"line 1, column domain", "line 1, column parent_code", "line 1, column type"}},
		{name: "empty file", kind: "orgs", file: "", want: []string{"line 1"}},
		{name: "every bad line named", kind: "orgs", file: orgHeader +
			"X1,x,branch,rural,C1,\n" + "X2,x,team,rural,C1,\n" + "X3,x,branch,rural,C1,\n" + "X4,x,branch,mars,NOPE,\n",
			want: []string{"line 3, column type", "line 5, column domain", "line 5, column parent_code"}},
		{name: "line numbers count blank lines and CRLF", kind: "orgs", file: "\r\n" + strings.ReplaceAll(orgHeader, "\n", "\r\n") + "X1,x,branch,rural,C1,\r\n\r\n\r\nX2,\"多行\n名称\",branch,rural,C1,\r\nX3,x,bad,rural,C1,\r\n",
			want: []string{"line 8, column type"}},

		// --- members
		{name: "org does not exist", kind: "members", file: memberHeader + "M9,钱七,B9,farming,false\n", want: []string{"line 2, column org_code"}},
		{name: "empty org", kind: "members", file: memberHeader + "M9,钱七,,farming,false\n", want: []string{"line 2, column org_code"}},
		{name: "unknown category", kind: "members", file: memberHeader + "M9,钱七,B1,retired,false\n", want: []string{"line 2, column category"}},
		{name: "bad is_secretary", kind: "members", file: memberHeader + "M9,钱七,B1,farming,perhaps\n", want: []string{"line 2, column is_secretary"}},
		{name: "two secretaries in the file", kind: "members", file: memberHeader + "M8,孙八,B2,farming,false\nM9,钱七,C2,farming,true\nM10,周九,C2,cadre,是\n",
			want: []string{"line 3, column is_secretary", "line 4, column is_secretary"}},
		{name: "second secretary against a stored one", kind: "members", file: memberHeader + "M9,钱七,B1,farming,true\n",
			want: []string{"line 2, column is_secretary"}},
		{name: "secretary moved into an org that has one", kind: "members", file: memberHeader + "M1,张三,B2,cadre,true\n",
			want: []string{"line 2, column is_secretary"}},
		{name: "duplicate code in file", kind: "members", file: memberHeader + "M9,钱七,B1,farming,false\nM9,钱七,B2,farming,false\n",
			want: []string{"line 3, column code"}},
		{name: "empty code and name", kind: "members", file: memberHeader + ",,B1,farming,false\n", want: []string{"line 2, column code", "line 2, column name"}},
		{name: "bad ID number check digit", kind: "members", file: memberHeader[:len(memberHeader)-1] + ",id_number\n" +
			"M9,钱七,B1,farming,false,110105194912310021\n", want: []string{"line 2, column id_number"}},
		{name: "bad ID number birth date", kind: "members", file: memberHeader[:len(memberHeader)-1] + ",id_number\n" +
			"M9,钱七,B1,farming,false,110105194913310028\n", want: []string{"line 2, column id_number"}},
		{name: "bad phone", kind: "members", file: memberHeader[:len(memberHeader)-1] + ",phone\n" +
			"M9,钱七,B1,farming,false,12345\nM10,周九,B1,farming,false,2380013800\n", want: []string{"line 2, column phone", "line 3, column phone"}},
		{name: "bad gender and birth year", kind: "members", file: memberHeader[:len(memberHeader)-1] + ",gender,birth_year\n" +
			"M9,钱七,B1,farming,false,x,1980\nM10,周九,B1,farming,false,女,nineteen\n", want: []string{"line 2, column gender", "line 3, column birth_year"}},
		{name: "NUL and control characters", kind: "members", file: memberHeader[:len(memberHeader)-1] + ",home_unit\n" +
			"M9,钱\x00七,B1,farming,false,\nM10,周九,B1,farming,false,某\x1b局\n",
			want: []string{"line 2, column name", "line 3, column home_unit"}},
		{name: "missing header column", kind: "members", file: "code,name,org_code,category\nM9,钱七,B1,farming\n",
			want: []string{"line 1, column is_secretary"}},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadBase(t, s)
		for _, tc := range cases {
			t.Run(tc.kind+"/"+tc.name, func(t *testing.T) {
				before := dump(t, s)
				var err error
				switch tc.kind {
				case "orgs":
					_, err = importOrgs(s, tc.file)
				case "members":
					_, err = importMembers(s, tc.file)
				}
				if err == nil {
					t.Fatalf("accepted; want refused at %v", tc.want)
				}
				if got := errPlaces(t, err); !slices.Equal(got, tc.want) {
					t.Errorf("refused at\n  %v\nwant\n  %v\nerror:\n%v", got, tc.want, err)
				}
				if after := dump(t, s); after != before {
					t.Errorf("a refused import changed the database:\n%s", diff(before, after))
				}
			})
		}
	})
}

// ---------------------------------------------------------------------------
// Good files.

type orgRec struct {
	name, typ, domain, parent string
	window                    bool
	depth                     int
}

func orgsByCode(t testing.TB, s *store.Store) map[string]orgRec {
	t.Helper()
	rows, err := s.DB.Query(`SELECT o.code, o.name, o.type, o.domain, COALESCE(p.code, ''), o.window_unit, o.depth FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]orgRec{}
	for rows.Next() {
		var code string
		var r orgRec
		var w int
		if err := rows.Scan(&code, &r.name, &r.typ, &r.domain, &r.parent, &w, &r.depth); err != nil {
			t.Fatal(err)
		}
		r.window = w != 0
		out[code] = r
	}
	return out
}

type memberRec struct {
	name, org, category string
	secretary           bool
	phone, idNumber     string
	gender              string
	birthYear           int
	homeUnit, community string
}

func membersByCode(t testing.TB, s *store.Store) map[string]memberRec {
	t.Helper()
	rows, err := s.DB.Query(`SELECT m.code, m.name, o.code, m.category, m.is_secretary, m.phone, m.id_number, m.gender, m.birth_year, m.home_unit, m.community_code
		FROM members m JOIN orgs o ON o.id = m.org_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]memberRec{}
	for rows.Next() {
		var code string
		var r memberRec
		var sec int
		if err := rows.Scan(&code, &r.name, &r.org, &r.category, &sec, &r.phone, &r.idNumber, &r.gender, &r.birthYear, &r.homeUnit, &r.community); err != nil {
			t.Fatal(err)
		}
		r.secretary = sec != 0
		out[code] = r
	}
	return out
}

func TestImportOrgsGoodFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		// BOM, CRLF, quoted fields (a comma, a doubled quote, a newline),
		// upper-case header names, spaces around cells, children before
		// parents, window_unit empty/true/false/1/是/否, blank and
		// comma-only lines, trailing blank lines.
		file := "\uFEFFCode, Name ,TYPE,domain,parent_code,window_unit\r\n" +
			"B1,\"东村党支部\",branch,rural,G1,TRUE\r\n" +
			"B2,\"西村党支部, 二组\",branch,community,C1,false\r\n" +
			"\r\n" +
			",,,,,\r\n" +
			"G1,\"第一\"\"党总支\"\"\",general_branch,rural,C1,\r\n" +
			"B3,\"多行\r\n名称\",branch,new_social,C1,1\r\n" +
			"B4,  全角空格\u3000,branch,new_economic,C1,是\r\n" +
			"B5,x,branch,enterprise,C1,否\r\n" +
			"B6,x,branch,agency,C1,0\r\n" +
			"C1,某镇党委,committee,rural,,\r\n" +
			"\r\n\r\n"
		st := okOrgs(t, s, file)
		if st.Created != 8 || st.Updated != 0 || st.Unchanged != 0 {
			t.Errorf("stats %v", st)
		}
		got := orgsByCode(t, s)
		want := map[string]orgRec{
			"C1": {"某镇党委", "committee", "rural", "", false, 0},
			"G1": {`第一"党总支"`, "general_branch", "rural", "C1", false, 1},
			"B1": {"东村党支部", "branch", "rural", "G1", true, 2},
			"B2": {"西村党支部, 二组", "branch", "community", "C1", false, 1},
			"B3": {"多行\r\n名称", "branch", "new_social", "C1", true, 1},
			"B4": {"全角空格", "branch", "new_economic", "C1", true, 1},
			"B5": {"x", "branch", "enterprise", "C1", false, 1},
			"B6": {"x", "branch", "agency", "C1", false, 1},
		}
		if len(got) != len(want) {
			t.Errorf("%d orgs, want %d: %v", len(got), len(want), got)
		}
		for c, w := range want {
			g, ok := got[c]
			// encoding/csv turns \r\n inside a quoted field into \n.
			w.name = strings.ReplaceAll(w.name, "\r\n", "\n")
			if !ok || g != w {
				t.Errorf("org %s = %+v, want %+v", c, g, w)
			}
		}
		checkTree(t, s)

		// The same file again changes nothing at all.
		before := dump(t, s)
		st = okOrgs(t, s, file)
		if st.Created != 0 || st.Updated != 0 || st.Unchanged != 8 {
			t.Errorf("re-import stats %v", st)
		}
		if after := dump(t, s); after != before {
			t.Errorf("an identical re-import changed the database:\n%s", diff(before, after))
		}

		// A file without the window_unit column is accepted.
		okOrgs(t, s, "code,name,type,domain,parent_code\nB7,x,branch,rural,C1\n")
		if got := orgsByCode(t, s)["B7"]; got.parent != "C1" || got.window {
			t.Errorf("B7 = %+v", got)
		}
	})
}

// chain writes an org file of a chain L0 ← L1 ← … ← L(n-1), leaves first.
func chain(n int) string {
	var b strings.Builder
	b.WriteString(orgHeader)
	for i := n - 1; i >= 0; i-- {
		parent, typ := "", "committee"
		if i > 0 {
			parent, typ = fmt.Sprintf("L%d", i-1), "general_branch"
		}
		fmt.Fprintf(&b, "L%d,第%d级,%s,rural,%s,\n", i, i, typ, parent)
	}
	return b.String()
}

func TestImportOrgsDeepTree(t *testing.T) {
	const depth = store.MaxOrgDepth
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		// One level too many: the row of the org on level 129 (written
		// first, line 2) is named, once.
		_, err := importOrgs(s, chain(depth+1))
		if got := errPlaces(t, err); !slices.Equal(got, []string{"line 2, column parent_code"}) {
			t.Errorf("too deep refused at %v", got)
		}
		// Far too many: still one error, and quickly.
		_, err = importOrgs(s, chain(20000))
		if got := errPlaces(t, err); !slices.Equal(got, []string{"line 19873, column parent_code"}) {
			t.Errorf("far too deep refused at %v", got)
		}

		// As many levels as allowed: accepted on both databases (the
		// deepest path fits PostgreSQL's index entries).
		okOrgs(t, s, chain(depth))
		got := orgsByCode(t, s)
		for i := 0; i < depth; i++ {
			if d := got[fmt.Sprintf("L%d", i)].depth; d != i {
				t.Errorf("L%d depth %d", i, d)
			}
		}
		checkTree(t, s)

		// Hanging the chain under a new root would make it one level too
		// deep: the row that moves it is named.
		before := dump(t, s)
		_, err = importOrgs(s, orgHeader+"TOP,顶,committee,rural,,\nL0,第0级,general_branch,rural,TOP,\n")
		if got := errPlaces(t, err); !slices.Equal(got, []string{"line 3, column parent_code"}) {
			t.Errorf("move too deep refused at %v", got)
		}
		if dump(t, s) != before {
			t.Error("refused move changed the database")
		}
		// Hanging the lower half under a new root is fine: the paths of the
		// whole moved subtree are rewritten.
		okOrgs(t, s, orgHeader+"TOP,顶,committee,rural,,\nL64,第64级,general_branch,rural,TOP,\n")
		got = orgsByCode(t, s)
		if d := got[fmt.Sprintf("L%d", depth-1)].depth; d != depth-64 {
			t.Errorf("leaf depth %d after the move, want %d", d, depth-64)
		}
		checkTree(t, s)
		// And closing a chain into a ring is refused.
		before = dump(t, s)
		_, err = importOrgs(s, orgHeader+"TOP,顶,committee,rural,L127,\n")
		if got := errPlaces(t, err); !slices.Equal(got, []string{"line 2, column parent_code"}) {
			t.Errorf("ring refused at %v", got)
		}
		if dump(t, s) != before {
			t.Error("refused ring changed the database")
		}
	})
}

func TestImportOrgsReimport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadBase(t, s)
		before := orgsByCode(t, s)
		pathOf := func(code string) string {
			var p string
			if err := s.DB.QueryRow(s.Rebind(`SELECT path FROM orgs WHERE code = ?`), code).Scan(&p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		idOf := func(code string) string {
			var id int64
			if err := s.DB.QueryRow(s.Rebind(`SELECT id FROM orgs WHERE code = ?`), code).Scan(&id); err != nil {
				t.Fatal(err)
			}
			return strconv.FormatInt(id, 10)
		}
		// Rename C1, move G1 (with B1 below it) from C1 to C2, change B2's
		// domain and window flag; B1 is not in the file.
		st := okOrgs(t, s, orgHeader+
			"G1,第一党总支,general_branch,community,C2,\n"+
			"C1,某镇党委（新）,committee,rural,,false\n"+
			"B2,西村党支部,branch,rural,C1,true\n"+
			"C2,某街道党工委,committee,community,,\n")
		if st.Created != 0 || st.Updated != 3 || st.Unchanged != 1 {
			t.Errorf("stats %v", st)
		}
		got := orgsByCode(t, s)
		if got["C1"].name != "某镇党委（新）" {
			t.Errorf("C1 name %q", got["C1"].name)
		}
		if got["G1"].parent != "C2" || got["G1"].domain != "community" || got["G1"].depth != 1 {
			t.Errorf("G1 = %+v", got["G1"])
		}
		if got["B1"] != before["B1"] {
			t.Errorf("B1 itself changed: %+v", got["B1"])
		}
		if want := "/" + idOf("C2") + "/" + idOf("G1") + "/" + idOf("B1") + "/"; pathOf("B1") != want {
			t.Errorf("B1 path %q after moving G1, want %q", pathOf("B1"), want)
		}
		if got["B2"].domain != "rural" || !got["B2"].window {
			t.Errorf("B2 = %+v", got["B2"])
		}
		checkTree(t, s)
		// Subtree queries see the move: C2 now contains B1's members.
		var n int
		if err := s.DB.QueryRow(s.Rebind(`SELECT COUNT(*) FROM members m JOIN orgs o ON o.id = m.org_id WHERE o.path LIKE ?`), pathOf("C2")+"%").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("%d members under C2, want 2 (M1, M2)", n)
		}
		// A root becomes a child: C2 (and G1, B1 below it) under C1.
		okOrgs(t, s, orgHeader+"C2,某街道党工委,general_branch,community,C1,\n")
		got = orgsByCode(t, s)
		if got["B1"].depth != 3 || got["C2"].depth != 1 {
			t.Errorf("depths after hanging C2 under C1: B1 %d, C2 %d", got["B1"].depth, got["C2"].depth)
		}
		checkTree(t, s)
		// The audit log has one entry per import, with its counts: the
		// second import updated C2 and moved G1 and B1 below it.
		var audits int
		s.DB.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE entity = 'org' AND action = 'import'`).Scan(&audits)
		if audits != 3 { // the base, the two re-imports
			t.Errorf("%d org imports audited, want 3", audits)
		}
		var last string
		s.DB.QueryRow(`SELECT after_json FROM audit_log WHERE entity = 'org' AND action = 'import' ORDER BY id DESC LIMIT 1`).Scan(&last)
		for _, want := range []string{`"created":0`, `"updated":1`, `"unchanged":0`, `"descendants_moved":2`, `"updated_codes":["C2"]`} {
			if !strings.Contains(last, want) {
				t.Errorf("audit of the last import %s lacks %s", last, want)
			}
		}
	})
}

func TestImportMembersGoodFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		okOrgs(t, s, baseOrgs)
		// Every optional column, an unknown extra column, columns in
		// another order, Chinese booleans and genders, phones in several
		// spellings, a valid ID number with a lower-case x.
		file := "\uFEFFname,code,org_code,category,is_secretary,phone,gender,birth_year,home_unit,community_code,id_number,备注\r\n" +
			"张三,M1,B1,cadre,是,+86 138-0013-8000,男,1960,,,11010519491231002x,村主任\r\n" +
			"李四,M2,B1,farming,否,(0574)63012345,女,1975,,,,\r\n" +
			"\"王, 五\",M3,B2,in_service,,13900139000,,1988,某区教育局,\"SQ01\",,\r\n" +
			"赵六,M4,B2,elderly,1,,,,,,,\r\n" +
			"钱七,M5,C2,migrant,0,,female,,,,,\r\n\r\n"
		st := okMembers(t, s, file)
		if st.Created != 5 {
			t.Errorf("stats %v", st)
		}
		got := membersByCode(t, s)
		want := map[string]memberRec{
			"M1": {"张三", "B1", "cadre", true, "13800138000", "11010519491231002X", "male", 1960, "", ""},
			"M2": {"李四", "B1", "farming", false, "0574-63012345", "", "female", 1975, "", ""},
			"M3": {"王, 五", "B2", "in_service", false, "13900139000", "", "", 1988, "某区教育局", "SQ01"},
			"M4": {"赵六", "B2", "elderly", true, "", "", "", 0, "", ""},
			"M5": {"钱七", "C2", "migrant", false, "", "", "female", 0, "", ""},
		}
		for c, w := range want {
			if got[c] != w {
				t.Errorf("member %s = %+v, want %+v", c, got[c], w)
			}
		}
		// Identical re-import: nothing changes.
		before := dump(t, s)
		st = okMembers(t, s, file)
		if st.Unchanged != 5 || st.Updated != 0 || st.Created != 0 {
			t.Errorf("re-import stats %v", st)
		}
		if after := dump(t, s); after != before {
			t.Errorf("identical re-import changed the database:\n%s", diff(before, after))
		}

		// Re-import with only the required columns: personal data the file
		// does not carry is kept; a secretary changes hands within one file
		// (the new one listed first); a category and a name change; a
		// member moves to another branch.
		st = okMembers(t, s, memberHeader+
			"M2,李四,B1,cadre,true\n"+
			"M1,张三,B1,cadre,false\n"+
			"M3,王五,B2,in_service,false\n"+
			"M5,钱七,B2,migrant,false\n")
		if st.Updated != 4 || st.Unchanged != 0 {
			t.Errorf("stats %v", st)
		}
		got = membersByCode(t, s)
		if !got["M2"].secretary || got["M1"].secretary || got["M2"].category != "cadre" {
			t.Errorf("secretary change: M1 %+v M2 %+v", got["M1"], got["M2"])
		}
		if got["M1"].phone != "13800138000" || got["M1"].idNumber != "11010519491231002X" || got["M1"].birthYear != 1960 {
			t.Errorf("M1 lost personal data: %+v", got["M1"])
		}
		if got["M3"].name != "王五" || got["M3"].homeUnit != "某区教育局" {
			t.Errorf("M3 = %+v", got["M3"])
		}
		if got["M5"].org != "B2" {
			t.Errorf("M5 = %+v", got["M5"])
		}
		// A present but empty optional column clears the value.
		okMembers(t, s, memberHeader[:len(memberHeader)-1]+",phone\nM1,张三,B1,cadre,false,\n")
		if p := membersByCode(t, s)["M1"].phone; p != "" {
			t.Errorf("M1 phone %q after an empty phone cell", p)
		}
		// The org's secretary shows through the store.
		o, err := s.Org(context.Background(), "B1")
		if err != nil || o.SecretaryCode != "M2" {
			t.Errorf("B1 secretary %q (%v)", o.SecretaryCode, err)
		}
	})
}

// ---------------------------------------------------------------------------
// Ballots.

// TestImportCSVAndRowsAgree: the same data loaded in different row orders
// (parents after children, members shuffled) gives the same state.
func TestImportOrderIndependent(t *testing.T) {
	reversed := func(file string) string {
		lines := strings.Split(strings.TrimSpace(file), "\n")
		body := lines[1:]
		slices.Reverse(body)
		return lines[0] + "\n" + strings.Join(body, "\n") + "\n"
	}
	var states []string
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, rev := range []bool{false, true} {
			s2 := s
			if rev {
				s2 = storetest.SQLite(t)
			}
			o, m := baseOrgs, baseMembers
			if rev {
				o, m = reversed(o), reversed(m)
			}
			okOrgs(t, s2, o)
			okMembers(t, s2, m)
			checkTree(t, s2)
			states = append(states, state(t, s2))
		}
	})
	for i := 1; i < len(states); i++ {
		if states[i] != states[0] {
			t.Errorf("state %d differs:\n%s", i, diff(states[0], states[i]))
		}
	}
}

// TestImportOrgsBigRing: a ring of 20000 orgs is refused, every row named,
// without quadratic work.
func TestImportOrgsBigRing(t *testing.T) {
	const n = 20000
	s := storetest.SQLite(t)
	var b strings.Builder
	b.WriteString(orgHeader)
	for i := range n {
		fmt.Fprintf(&b, "R%d,r,branch,rural,R%d,\n", i, (i+1)%n)
	}
	b.WriteString("T,t,branch,rural,R0,\n")
	_, err := importOrgs(s, b.String())
	var ie *pingyi.InputError
	if !errors.As(err, &ie) || len(ie.Errors) != n+1 {
		t.Fatalf("want %d errors, got %v", n+1, err)
	}
	if last := ie.Errors[n]; last.Line != n+2 || !strings.Contains(last.Message, "below a cycle") {
		t.Errorf("last error %v", last)
	}
	if first := ie.Errors[0]; first.Line != 2 || !strings.Contains(first.Message, "part of a cycle") {
		t.Errorf("first error %v", first)
	}
}
