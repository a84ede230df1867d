package web

import (
	"context"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/stars"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web/webtest"
)

// The stars' tasks on the dashboard: comments to review and objections to
// answer for the staff of the subtree, the year's goal for a member.
func TestDashboardStarTasks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := webtest.New(t, db, New)
		ctx := context.Background()
		st := stars.New(db)
		if _, err := st.AddComment(ctx, "M2", "带头修路，点赞"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.FileObjection(ctx, thisYear, "V1", "", "结果有异议", ""); err != nil {
			t.Fatal(err)
		}
		_, b := f.As("secretary").Get("/")
		for _, want := range []string{"1 条门牌留言待审核", `href="/stars/comments"`, "1 条对星级结果的异议待答复", "还没有填写今年的争创目标", `href="/stars/members/M1"`} {
			if !strings.Contains(b, want) {
				t.Errorf("secretary's dashboard lacks %q\n%s", want, webtest.Excerpt(b))
			}
		}
		if _, b := f.As("orgadmin2").Get("/"); strings.Contains(b, "门牌留言待审核") {
			t.Error("T2's dashboard shows V1's comment")
		}
		if _, b := f.As("member").Get("/"); strings.Contains(b, "门牌留言待审核") || !strings.Contains(b, "还没有填写今年的争创目标") {
			t.Errorf("member's dashboard:\n%s", webtest.Excerpt(b))
		}
	})
}
