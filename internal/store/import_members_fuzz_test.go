package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/tabular"
)

var (
	fuzzFileName       = storetest.FuzzFileName
	csvToXLSX          = storetest.CSVToXLSX
	checkImportRefusal = storetest.CheckImportRefusal
)

// FuzzImportMembers feeds arbitrary bytes, as CSV or (when they start
// like a zip) XLSX, through what `pingyi import members` and the upload
// page do (tabular.Each streamed into store.ImportMembersFrom) on SQLite
// holding a small tree. Either the import is refused with an input error
// naming lines and changes nothing (every table, the audit log included),
// or it is accepted: then each row's member is stored under its org with
// its name, and importing the same file again changes nothing (there is no
// member export to round-trip through; re-import is the round trip).
func FuzzImportMembers(f *testing.F) {
	for _, seed := range []string{
		baseMembers,
		"\uFEFF" + strings.ReplaceAll(baseMembers, "\n", "\r\n"),
		"编码,姓名,所在组织编码,类别,是否书记,手机号,性别\nM1,张建国,B1,村两委成员及其他村干部,是,13800001111,男\nM2,李秀英,B1,在村务农及无职党员,否,,女\n",
		memberHeader[:len(memberHeader)-1] + ",phone,gender,birth_year,home_unit,community_code,id_number\n" +
			"M9,钱七,B1,farming,false,13800138000,女,1949,某局,B2,11010519491231002X\n",
		memberHeader + "M9,\"钱,\"\"七\"\"\",B1,farming,false\nM9,dup,B1,farming,false\n",
		memberHeader + "=1+1,@SUM(A1),B1,farming,false\n+M,-x,B1,farming,false\n",
		memberHeader + "M9,钱\x00七,B1,farming,false\nM10,周九,B1,farming,false\n",
		memberHeader + "M9," + strings.Repeat("长", 5000) + ",B1,farming,false\n",
		memberHeader + "M9,钱七,NOPE,farming,false\nM10,周九,B1,nosuch,maybe\n",
		memberHeader + "M1,张三,B1,cadre,false\nM2,李四,B1,farming,true\n", // the secretary moves
		memberHeader + "M9,\"unterminated,B1,farming,false\n",
		"code,name,org_code,category\nM9,钱七,B1,farming\n",
		"",
		"\xff\xfe\x00c\x00o",
	} {
		f.Add([]byte(seed))
	}
	f.Add(csvToXLSX(f, baseMembers))
	f.Add(csvToXLSX(f, memberHeader+"007,钱七,B1,farming,是\n=cmd|' /C calc'!A0,x,B1,farming,false\n"))
	s := storetest.SQLite(f)
	ctx := context.Background()
	if _, err := importOrgs(s, baseOrgs); err != nil {
		f.Fatal(err)
	}
	if _, err := importMembers(s, baseMembers); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		name := fuzzFileName(data, "members")
		src := store.MemberFile(func(head func([]string, int) error, fn func(tabular.Row) error) error {
			return tabular.Each(bytes.NewReader(data), name, head, fn)
		})
		before := storetest.Dump(t, s)
		_, err := s.ImportMembersFrom(ctx, name, src, store.CLI)
		if err != nil {
			checkImportRefusal(t, s, err, before)
			return
		}
		// Accepted: every row is stored as read.
		tab, err := tabular.Read(bytes.NewReader(data), name)
		if err != nil {
			t.Fatalf("imported, then unreadable: %v", err)
		}
		for _, r := range tab.Rows {
			code := r.Get("code")
			m, _, err := s.Member(ctx, code)
			if err != nil {
				t.Fatalf("line %d: member %q not stored: %v", r.Line, code, err)
			}
			if m.Name != r.Get("name") {
				t.Fatalf("line %d: member %q stored as %q, file says %q", r.Line, code, m.Name, r.Get("name"))
			}
		}
		state := storetest.State(t, s)
		if _, err := s.ImportMembersFrom(ctx, name, store.MemberFile(func(head func([]string, int) error, fn func(tabular.Row) error) error {
			return tabular.Each(bytes.NewReader(data), name, head, fn)
		}), store.CLI); err != nil {
			t.Fatalf("accepted once, refused the second time: %v", err)
		}
		if storetest.State(t, s) != state {
			t.Fatal("importing the same file again changed the members")
		}
	})
}
