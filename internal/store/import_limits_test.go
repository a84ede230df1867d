package store_test

import (
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// TestImportCodesAndCaps: a code outside the code alphabet (=1+1, a
// formula in a spreadsheet) and text over its cap (the 30 MB name of issue
// 15) are refused naming the line and the column; nothing is stored.
func TestImportCodesAndCaps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		okOrgs(t, s, baseOrgs)
		okMembers(t, s, baseMembers)
		before := dump(t, s)
		long := strings.Repeat("名", 201)
		for _, tc := range []struct {
			name, file string
			orgs       bool
			want       []string
			msg        string
		}{
			{"org code formula", orgHeader + "=1+1,x,branch,rural,C1,\n", true, []string{"line 2, column code"}, "not a code"},
			{"org code at sign", orgHeader + "@SUM(A1),x,branch,rural,C1,\n", true, []string{"line 2, column code"}, "not a code"},
			{"org code leading dash", orgHeader + "-X,x,branch,rural,C1,\n", true, []string{"line 2, column code"}, "not a code"},
			{"org code space", orgHeader + "\"A B\",x,branch,rural,C1,\n", true, []string{"line 2, column code"}, "not a code"},
			{"org name too long", orgHeader + "B9," + long + ",branch,rural,C1,\n", true, []string{"line 2, column name"}, "too long (201 of at most 200 characters)"},
			{"member code formula", memberHeader + "+1,x,B1,cadre,false\n", false, []string{"line 2, column code"}, "not a code"},
			{"member name too long", memberHeader + "M9," + long + ",B1,cadre,false\n", false, []string{"line 2, column name"}, "too long (201 of at most 200 characters)"},
			{"member home unit too long", "code,name,org_code,category,is_secretary,home_unit\nM9,x,B1,cadre,false," + long + "\n", false, []string{"line 2, column home_unit"}, "too long (201 of at most 200 characters)"},
		} {
			var err error
			if tc.orgs {
				_, err = importOrgs(s, tc.file)
			} else {
				_, err = importMembers(s, tc.file)
			}
			if err == nil {
				t.Errorf("%s: accepted", tc.name)
				continue
			}
			if got := errPlaces(t, err); strings.Join(got, ";") != strings.Join(tc.want, ";") {
				t.Errorf("%s: refused at %v, want %v (%v)", tc.name, got, tc.want, err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("%s: %q lacks %q", tc.name, err, tc.msg)
			}
		}
		if after := dump(t, s); after != before {
			t.Errorf("a refused import changed the database:\n%s", diff(before, after))
		}
		// The demo's kind of codes and the SPEC's pass.
		okOrgs(t, s, orgHeader+"NB01CX0101V01,x,branch,rural,C1,\nA-1_b.2,y,branch,rural,C1,\n")
		okMembers(t, s, memberHeader+"M0001,x,B1,cadre,false\nm000123,y,B1,cadre,false\n")
	})
}
