package storetest

// Import helpers of the storage tests (the platform's and the features'):
// files read as the command line reads them, the standard small tree of
// the import tests, and refusals by their places.

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

// ReadCSV reads a CSV file's content and checks its header.
func ReadCSV(content, name string, required, optional []string, allowExtra bool) (*tabular.Table, error) {
	t, err := tabular.Read(strings.NewReader(content), name)
	if err != nil {
		return nil, err
	}
	if err := t.Require(required, optional, allowExtra); err != nil {
		return nil, err
	}
	return t, nil
}

// ImportOrgsCSV imports an org file as the command line reads it.
func ImportOrgsCSV(s *store.Store, content string) (store.ImportStats, error) {
	t, err := ReadCSV(content, "orgs.csv", store.OrgColumns[:5], store.OrgColumns[5:], false)
	if err != nil {
		return store.ImportStats{}, err
	}
	return s.ImportOrgs(context.Background(), store.OrgRows(t), store.CLI)
}

// ImportMembersCSV imports a member file as the command line reads it.
func ImportMembersCSV(s *store.Store, content string) (store.ImportStats, error) {
	t, err := ReadCSV(content, "members.csv", store.MemberColumns, store.MemberOptional, true)
	if err != nil {
		return store.ImportStats{}, err
	}
	return s.ImportMembers(context.Background(), store.MemberRows(t), store.CLI)
}

// OkOrgs imports an org file that must be accepted.
func OkOrgs(t *testing.T, s *store.Store, file string) store.ImportStats {
	t.Helper()
	st, err := ImportOrgsCSV(s, file)
	if err != nil {
		t.Fatalf("orgs refused:\n%v", err)
	}
	return st
}

// OkMembers imports a member file that must be accepted.
func OkMembers(t *testing.T, s *store.Store, file string) store.ImportStats {
	t.Helper()
	st, err := ImportMembersCSV(s, file)
	if err != nil {
		t.Fatalf("members refused:\n%v", err)
	}
	return st
}

// ErrPlaces turns an error into its sorted "line N, column X" places; it
// fails the test when err is not an *pingyi.InputError.
func ErrPlaces(t testing.TB, err error) []string {
	t.Helper()
	var ie *pingyi.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("want *pingyi.InputError, got %T: %v", err, err)
	}
	var out []string
	for _, fe := range ie.Errors {
		p := "line " + strconv.Itoa(fe.Line)
		if fe.Column != "" {
			p += ", column " + fe.Column
		}
		out = append(out, p)
		// The message as printed names the same place.
		if !strings.HasPrefix(fe.Error(), p) {
			t.Errorf("message %q does not start with %q", fe.Error(), p)
		}
	}
	sort.Strings(out)
	return out
}

// Diff shows the lines of b not in a and of a not in b.
func Diff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for _, l := range al {
		if !slices.Contains(bl, l) {
			out = append(out, "- "+l)
		}
	}
	for _, l := range bl {
		if !slices.Contains(al, l) {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}

// LoadBase imports BaseOrgs and BaseMembers.
func LoadBase(t *testing.T, s *store.Store) {
	t.Helper()
	OkOrgs(t, s, BaseOrgs)
	OkMembers(t, s, BaseMembers)
}

// OrgHeader is the org file's header.
const OrgHeader = "code,name,type,domain,parent_code,window_unit\n"

// BaseOrgs: C1 ─┬─ G1 ── B1
//
//	└─ B2           and a second root C2.
const BaseOrgs = OrgHeader +
	"C1,某镇党委,committee,rural,,false\n" +
	"G1,第一党总支,general_branch,rural,C1,\n" +
	"B1,东村党支部,branch,rural,G1,true\n" +
	"B2,西村党支部,branch,community,C1,false\n" +
	"C2,某街道党工委,committee,community,,\n"

// MemberHeader is the member file's header.
const MemberHeader = "code,name,org_code,category,is_secretary\n"

// BaseMembers: M1, M2 in B1, M3, M4 in B2 (M1 and M4 secretaries).
const BaseMembers = MemberHeader +
	"M1,张三,B1,cadre,true\n" +
	"M2,李四,B1,farming,false\n" +
	"M3,王五,B2,in_service,false\n" +
	"M4,赵六,B2,elderly,true\n"
