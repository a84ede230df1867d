package doublereport_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/doublereport"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

// The test district:
//
//	D   district (level district)
//	├── S1 street        ├── C1 community   └── C2 community
//	├── S2 street        └── C3 community
//	├── U1 unit committee └── B1 branch: M1 M2 M3 in service, M4 farming
//	└── U2 branch: M5 in service, M6 in service (a leader)
const orgsCSV = `code,name,type,domain,parent_code,window_unit
D,某区委,committee,agency,,
S1,一街道党工委,committee,community,D,
C1,一社区党委,committee,community,S1,
C2,二社区党委,committee,community,S1,
S2,二街道党工委,committee,community,D,
C3,三社区党委,committee,community,S2,
U1,某局党委,committee,agency,D,
B1,某局机关支部,branch,agency,U1,
U2,某公司支部,branch,enterprise,D,
`

const membersCSV = `code,name,org_code,category,is_secretary,phone
M1,张一,B1,in_service,false,13800000001
M2,张二,B1,in_service,false,13800000002
M3,张三,B1,in_service,false,
M4,张四,B1,farming,false,
M5,张五,U2,in_service,false,
M6,张六,U2,in_service,true,
`

var levels = map[string]string{"D": "district", "S1": "street", "S2": "street", "C1": "community", "C2": "community", "C3": "community"}

func table(t *testing.T, content string) *tabular.Table {
	t.Helper()
	tb, err := tabular.Read(strings.NewReader(content), "f.csv")
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func seed(t *testing.T, s *store.Store) *doublereport.DR {
	t.Helper()
	ctx := context.Background()
	if _, err := s.ImportOrgs(ctx, store.OrgRows(table(t, orgsCSV)), store.CLI); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportMembers(ctx, store.MemberRows(table(t, membersCSV)), store.CLI); err != nil {
		t.Fatal(err)
	}
	d := doublereport.New(s)
	for code, l := range levels {
		if err := d.SetLevel(ctx, code, l, store.CLI); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// refusedAt checks that err is an InputError naming exactly the places
// want ("line N, column C").
func refusedAt(t *testing.T, err error, want ...string) {
	t.Helper()
	var ie *pingyi.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("want a refused input naming %v, got %v", want, err)
	}
	got := map[string]bool{}
	for _, fe := range ie.Errors {
		got[strings.SplitN(fe.Error(), ":", 2)[0]] = true
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("refusal does not name %q:\n%v", w, err)
		}
	}
	if len(got) != len(want) {
		t.Errorf("refusal names %d places, want %d:\n%v", len(got), len(want), err)
	}
}

func count(t *testing.T, s *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.R().QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func rows(t *testing.T, content string) []tabular.Row { return table(t, content).Rows }
