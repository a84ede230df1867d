package store_test

// The streaming imports on files larger than one write chunk (500 rows):
// a refusal on the last line changes nothing, a duplicate or a second
// secretary is found across chunks, re-imports update by code chunk by
// chunk, a file that reads differently the second time is refused, the
// audit log gets one entry per import; and the campaign snapshot copies
// exactly the tree's targets with IDs that NewID does not give again.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/tabular"
)

// bigMembers writes n members over B1, B2 and C2 (no secretaries) with the
// optional columns, as a member file; names carry tag.
func bigMembers(n int, tag string) string {
	var b strings.Builder
	b.WriteString("code,name,org_code,category,is_secretary,phone,birth_year\n")
	orgs := []string{"B1", "B2", "C2"}
	for i := range n {
		fmt.Fprintf(&b, "X%05d,党员%s%05d,%s,farming,false,1380013%04d,%d\n", i, tag, i, orgs[i%3], i%10000, 1950+i%50)
	}
	return b.String()
}

func auditImports(t *testing.T, s *store.Store, entity string) []pingyi.AuditEntry {
	t.Helper()
	es, err := s.AuditLog(context.Background(), entity, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []pingyi.AuditEntry
	for _, e := range es {
		if e.Action == "import" {
			out = append(out, e)
		} else {
			t.Errorf("audit entry %s %s %s: want only import entries", e.Action, e.Entity, e.EntityID)
		}
	}
	return out
}

func TestImportMembersStreaming(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadBase(t, s)
		const n = 2345 // five chunks
		file := bigMembers(n, "")

		// A bad last line refuses the whole file: nothing written from
		// the chunks before it.
		before := dump(t, s)
		bad := file + "X99999,,B1,farming,false,,\n"
		_, err := importMembers(s, bad)
		var ie *pingyi.InputError
		if !errors.As(err, &ie) || len(ie.Errors) != 1 || ie.Errors[0].Line != n+2 || ie.Errors[0].Column != "name" {
			t.Fatalf("bad last line: %v", err)
		}
		if dump(t, s) != before {
			t.Fatal("a refused file changed the database")
		}

		// A duplicate and a second secretary, each far from its pair.
		dup := file + "X00003,重复,B1,farming,false,,\n"
		_, err = importMembers(s, dup)
		if !errors.As(err, &ie) || len(ie.Errors) != 1 || !strings.Contains(ie.Errors[0].Message, "first on line 5") {
			t.Fatalf("duplicate: %v", err)
		}
		secs := strings.Replace(file, "X00010,党员00010,B2,farming,false", "X00010,党员00010,B2,farming,true", 1) +
			"X99998,书记,B2,cadre,true,,\n"
		_, err = importMembers(s, secs)
		if !errors.As(err, &ie) || len(ie.Errors) != 2 {
			t.Fatalf("secretaries: %v", err)
		}
		for _, want := range []string{"X00010 and X99998 (line 2347)", "X99998 and X00010 (line 12)"} {
			found := false
			for _, fe := range ie.Errors {
				found = found || strings.Contains(fe.Message, want)
			}
			if !found {
				t.Errorf("secretaries: no error %q in\n%v", want, ie)
			}
		}
		if dump(t, s) != before {
			t.Fatal("a refused file changed the database")
		}

		// The good file: every row, one audit entry.
		st := okMembers(t, s, file)
		if st.Created != n || st.Updated != 0 || st.Unchanged != 0 {
			t.Fatalf("stats %v", st)
		}
		got := membersByCode(t, s)
		if len(got) != n+4 {
			t.Fatalf("%d members, want %d", len(got), n+4)
		}
		if m := got["X02344"]; m.name != "党员02344" || m.org != "B2" || m.phone != "13800132344" || m.birthYear != 1950+2344%50 {
			t.Errorf("X02344 = %+v", m)
		}
		es := auditImports(t, s, "member")
		if len(es) != 2 { // the base and this one
			t.Fatalf("%d member imports audited, want 2", len(es))
		}
		for _, want := range []string{`"rows":2345`, `"created":2345`, `"updated":0`, `"created_codes":["X00000","X00001",`} {
			if !strings.Contains(es[0].After, want) {
				t.Errorf("audit %s lacks %s", es[0].After, want)
			}
		}
		if strings.Contains(es[0].After, "1380013") || strings.Contains(es[0].After, "党员") {
			t.Errorf("the audit entry holds personal data: %s", es[0].After)
		}

		// Re-import: every third row renamed, the phone column left out
		// (phones kept), a few new rows; identical rows unchanged.
		var b strings.Builder
		b.WriteString("code,name,org_code,category,is_secretary,birth_year\n")
		for i := range n + 10 {
			name := fmt.Sprintf("党员%05d", i)
			if i%3 == 0 {
				name = fmt.Sprintf("改名%05d", i)
			}
			fmt.Fprintf(&b, "X%05d,%s,%s,farming,false,%d\n", i, name, []string{"B1", "B2", "C2"}[i%3], 1950+i%50)
		}
		st = okMembers(t, s, b.String())
		if st.Created != 10 || st.Updated != (n+2)/3 || st.Unchanged != n-(n+2)/3 {
			t.Errorf("re-import stats %v", st)
		}
		got = membersByCode(t, s)
		if m := got["X00003"]; m.name != "改名00003" || m.phone != "13800130003" {
			t.Errorf("X00003 after re-import = %+v", m)
		}
		if m := got["X02350"]; m.name != "党员02350" || m.phone != "" || m.org != "B2" {
			t.Errorf("new X02350 = %+v", m)
		}
		if m := got["M1"]; !m.secretary || m.name != "张三" {
			t.Errorf("M1, not in the file, = %+v", m)
		}
		// The same file again changes nothing and is not audited.
		before = dump(t, s)
		st = okMembers(t, s, b.String())
		if st.Created != 0 || st.Updated != 0 || st.Unchanged != n+10 {
			t.Errorf("identical re-import stats %v", st)
		}
		if dump(t, s) != before {
			t.Error("an identical re-import changed the database")
		}
	})
}

// A source that gives other rows on its second reading is refused as a
// whole, whatever it wrote before noticing.
func TestImportMembersFileChanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadBase(t, s)
		before := dump(t, s)
		dir := t.TempDir()
		path := filepath.Join(dir, "members.csv")
		if err := os.WriteFile(path, []byte(bigMembers(1200, "")), 0o600); err != nil {
			t.Fatal(err)
		}
		readings := 0
		src := store.MemberFile(func(head func([]string, int) error, fn func(tabular.Row) error) error {
			readings++
			if readings == 2 { // the file is edited between the passes
				if err := os.WriteFile(path, []byte(bigMembers(1200, "乙")), 0o600); err != nil {
					return err
				}
			}
			return tabular.EachFile(path, head, fn)
		})
		_, err := s.ImportMembersFrom(context.Background(), "members.csv", src, store.CLI)
		if err == nil || !strings.Contains(err.Error(), "changed") {
			t.Fatalf("changed file: %v", err)
		}
		if dump(t, s) != before {
			t.Error("a file that changed under the import changed the database")
		}

		// A file with a bad header is refused by its header alone.
		if err := os.WriteFile(path, []byte("code,name,org_code,category\nX1,甲,B1,farming\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err = s.ImportMembersFrom(context.Background(), "members.csv", store.MemberFile(func(head func([]string, int) error, fn func(tabular.Row) error) error {
			return tabular.EachFile(path, head, fn)
		}), store.CLI)
		var ie *pingyi.InputError
		if !errors.As(err, &ie) || len(ie.Errors) != 1 || ie.Errors[0].Column != "is_secretary" || ie.Errors[0].Line != 1 {
			t.Fatalf("bad header: %v", err)
		}
	})
}

func TestImportOrgsOneAuditEntry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		// 1,500 orgs under one committee, children listed before their
		// parents: written parents first in chunks.
		var b strings.Builder
		b.WriteString(orgHeader)
		for i := 1499; i >= 1; i-- {
			parent := "R"
			if i > 100 {
				parent = fmt.Sprintf("G%04d", i%100+1)
			}
			typ := "branch"
			if i <= 100 {
				typ = "general_branch"
			}
			fmt.Fprintf(&b, "G%04d,组织%04d,%s,rural,%s,\n", i, i, typ, parent)
		}
		b.WriteString("R,某县委,committee,agency,,\n")
		st := okOrgs(t, s, b.String())
		if st.Created != 1500 {
			t.Fatalf("stats %v", st)
		}
		checkTree(t, s)
		es := auditImports(t, s, "org")
		if len(es) != 1 || !strings.Contains(es[0].After, `"created":1500`) {
			t.Fatalf("audit: %+v", es)
		}
	})
}

// A spooled source gives back the rows it read, as often as asked, and
// an import from it is the import of the rows.
func TestSpoolMembers(t *testing.T) {
	rows := []store.MemberRow{
		{Line: 2, Code: "S1", Name: "甲", OrgCode: "B1", Category: "cadre", IsSecretary: "false", Phone: "13800138000", Has: map[string]bool{"phone": true}},
		{Line: 7, Code: "S2", Name: "", OrgCode: "B2", Category: "farming", IsSecretary: "否", HomeUnit: "某厂\n二车间", IDNumber: "x",
			Has: map[string]bool{"home_unit": true, "id_number": true, "community_code": true}},
		{Line: 1 << 20, Code: strings.Repeat("长", 300), Has: map[string]bool{}},
	}
	src, remove, err := store.SpoolMembers(store.MemberSlice(rows))
	if err != nil {
		t.Fatal(err)
	}
	defer remove()
	for range 2 {
		var got []store.MemberRow
		if err := src(func(r store.MemberRow) error { got = append(got, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(rows) {
			t.Fatalf("spool gave\n%v\nwant\n%v", got, rows)
		}
	}
	// The source's refusal comes back as it is.
	refused := &pingyi.InputError{}
	refused.Add(3, "", "too many columns")
	if _, _, err := store.SpoolMembers(func(fn func(store.MemberRow) error) error { return refused }); err != refused {
		t.Errorf("refusal: %v", err)
	}
}
