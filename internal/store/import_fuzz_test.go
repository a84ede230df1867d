package store_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/tabular"
)

// FuzzImportOrgsCSV feeds arbitrary bytes as an org file (CSV, or XLSX
// when they start like a zip) through what `pingyi import orgs` does
// (tabular.Read, the header check, OrgRows, ImportOrgs) on SQLite. It must
// never panic; it either succeeds or is refused with a *pingyi.InputError
// (or an unsupported-content error from the reader), and a refusal changes
// nothing. An accepted file keeps the tree consistent, and importing it
// again changes no org. Crashers found are kept in
// testdata/fuzz/FuzzImportOrgsCSV.
func FuzzImportOrgsCSV(f *testing.F) {
	for _, seed := range []string{
		baseOrgs,
		"\uFEFF" + orgHeader + "B1,东村,branch,rural,C1,true\r\nC1,镇,committee,rural,,\r\n\r\n",
		orgHeader + "A,a,branch,rural,B,\nB,b,branch,rural,A,\n",
		orgHeader + "A,a,branch,rural,A,\n",
		orgHeader + "A,\"x\"\"y\",branch,rural,,\nA,dup,branch,rural,,\n",
		orgHeader + "A,\"unterminated,branch,rural,,\n",
		"code,name,type,domain,parent_code\nA,a,committee,agency,\n",
		"code,name\n",
		"",
		"\xff\xfe\x00c\x00o",
		"code,name,type,domain,parent_code,window_unit\nA,\xb6\xab\xb4\xe5,branch,rural,,\n",
		orgHeader + "A,a,branch,rural,,,,extra\n",
		orgHeader + "C1,某镇党委,committee,rural,B1,\n", // a cycle through stored rows
	} {
		f.Add([]byte(seed))
	}
	f.Add(csvToXLSX(f, baseOrgs))
	s := storetest.SQLite(f)
	ctx := context.Background()
	if _, err := importOrgs(s, baseOrgs); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tbl, err := tabular.Read(bytes.NewReader(data), fuzzFileName(data, "orgs"))
		if err == nil {
			err = tbl.Require(store.OrgColumns[:5], store.OrgColumns[5:], false)
		}
		if err != nil {
			var ie *pingyi.InputError
			if !errors.As(err, &ie) && !errors.Is(err, pingyi.ErrInvalid) {
				t.Fatalf("read: %T %v", err, err)
			}
			return
		}
		before := dump(t, s)
		_, err = s.ImportOrgs(ctx, store.OrgRows(tbl), store.CLI)
		if err != nil {
			var ie *pingyi.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("import: %T %v", err, err)
			}
			for _, fe := range ie.Errors {
				if fe.Line < 1 {
					t.Errorf("error without a line: %v", fe)
				}
			}
			if dump(t, s) != before {
				t.Fatal("a refused import changed the database")
			}
			return
		}
		checkTree(t, s)
		st := state(t, s)
		if _, err := s.ImportOrgs(ctx, store.OrgRows(tbl), store.CLI); err != nil {
			t.Fatalf("accepted once, refused the second time: %v", err)
		}
		if state(t, s) != st {
			t.Fatal("importing the same file again changed the tree")
		}
	})
}
