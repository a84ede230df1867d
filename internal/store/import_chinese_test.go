package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// Files the way offices keep them: Chinese headers and the Chinese labels
// the pages show, read as the English contract (issue 16).
func TestImportChineseHeadersAndLabels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		orgs := "编码,名称,类型,领域,上级编码,窗口单位\n" +
			"C1,某镇党委,党委,农村,,否\n" +
			"G1,第一党总支,党总支,农村,C1,\n" +
			"B1,东村党支部,党支部,街道社区,G1,是\n"
		if _, err := importOrgs(s, orgs); err != nil {
			t.Fatalf("Chinese org file refused: %v", err)
		}
		b1, err := s.Org(ctx, "B1")
		if err != nil {
			t.Fatal(err)
		}
		if b1.Type != pingyi.OrgBranch || b1.Domain != pingyi.DomainCommunity || !b1.WindowUnit {
			t.Errorf("B1 read as %+v", b1)
		}
		members := "编码,姓名,所在组织编码,类别,是否书记,手机号,性别\n" +
			"M1,张建国,B1,村两委成员及其他村干部,是,13800001111,男\n" +
			"M2,李秀英,B1,在村务农及无职党员,否,,女\n"
		if _, err := importMembers(s, members); err != nil {
			t.Fatalf("Chinese member file refused: %v", err)
		}
		m1, _, err := s.Member(ctx, "M1")
		if err != nil {
			t.Fatal(err)
		}
		if m1.Category != pingyi.CategoryCadre || !m1.IsSecretary {
			t.Errorf("M1 read as %+v", m1)
		}
		// A label that is not one is still refused, naming line and column.
		_, err = importMembers(s, "编码,姓名,所在组织编码,类别,是否书记\nM3,王,B1,普通党员,否\n")
		if err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "category") {
			t.Errorf("unknown category label: %v", err)
		}
	})
}
