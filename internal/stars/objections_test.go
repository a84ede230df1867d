package stars_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// inputColumns lists the columns of a refusal.
func inputColumns(t *testing.T, err error) []string {
	t.Helper()
	var ie *pingyi.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("want an InputError, got %v", err)
	}
	var cols []string
	for _, e := range ie.Errors {
		cols = append(cols, e.Column)
	}
	return cols
}

func TestStarObjections(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		starSeed(t, s)
		ctx := context.Background()
		me := store.Actor{Username: "sec"}

		id, err := stars.New(s).FileObjection(ctx, starYear, "B1", "A01", "  评定不公  ", "13800000000")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := stars.New(s).FileObjection(ctx, starYear, "B1", "", "整体结果有疑问", ""); err != nil {
			t.Fatal(err)
		}
		// refusals
		if _, err := stars.New(s).FileObjection(ctx, starYear, "B1", "", " ", strings.Repeat("电", 101)); err == nil {
			t.Fatal("empty text accepted")
		} else if cols := inputColumns(t, err); strings.Join(cols, ",") != "text,contact" {
			t.Errorf("columns %v", cols)
		}
		if _, err := stars.New(s).FileObjection(ctx, starYear, "B1", "", strings.Repeat("字", 2001), ""); err == nil {
			t.Fatal("long text accepted")
		}
		if _, err := stars.New(s).FileObjection(ctx, starYear, "B1", "E01", "别支部的党员", ""); err == nil {
			t.Fatal("member of another branch accepted")
		} else if cols := inputColumns(t, err); strings.Join(cols, ",") != "member" {
			t.Errorf("columns %v", cols)
		}
		if _, err := stars.New(s).FileObjection(ctx, starYear, "B1", "NOPE", "无此人", ""); err == nil {
			t.Fatal("unknown member accepted")
		}
		if _, err := stars.New(s).FileObjection(ctx, starYear, "ZZ", "", "无此支部", ""); !errors.Is(err, pingyi.ErrNotFound) {
			t.Fatalf("unknown org: %v", err)
		}

		b1, _ := s.Org(ctx, "B1")
		list, err := stars.New(s).Objections(ctx, starYear, b1.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("objections %+v %v", list, err)
		}
		// Within a day the order is random (the filing order is not kept).
		if o := list[0]; o.ID != id {
			list[0], list[1] = list[1], list[0]
		}
		if o := list[0]; o.ID != id || o.Text != "评定不公" || o.MemberCode != "A01" || o.Contact != "13800000000" || o.OrgCode != "B1" || o.Answer != "" {
			t.Errorf("objection %+v", o)
		}
		if other, _ := stars.New(s).Objections(ctx, starYear+1, b1.ID); len(other) != 0 {
			t.Errorf("next year %+v", other)
		}

		if err := stars.New(s).AnswerObjection(ctx, id, " ", me); err == nil {
			t.Fatal("empty answer accepted")
		}
		if err := stars.New(s).AnswerObjection(ctx, 12345, "答复", me); !errors.Is(err, pingyi.ErrNotFound) {
			t.Fatalf("unknown objection: %v", err)
		}
		if err := stars.New(s).AnswerObjection(ctx, id, "已复核，结果无误。", me); err != nil {
			t.Fatal(err)
		}
		o, err := stars.New(s).ObjectionByID(ctx, id)
		if err != nil || o.Answer != "已复核，结果无误。" || o.AnsweredBy != "sec" || o.AnsweredAt == "" || !strings.HasPrefix(o.OrgPath, b1.Path[:1]) {
			t.Errorf("answered %+v %v", o, err)
		}
		var n int
		s.R().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'star_objection'`).Scan(&n)
		if n != 3 {
			t.Errorf("audit lines %d", n)
		}
	})
}

func TestStarDebrief(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		starSeed(t, s)
		ctx := context.Background()
		me := store.Actor{Username: "sec"}
		if _, err := stars.New(s).Debrief(ctx, starYear, "B1"); !errors.Is(err, pingyi.ErrNotFound) {
			t.Fatalf("none yet: %v", err)
		}
		d, err := stars.New(s).SaveDebrief(ctx, starYear, "B1", " 上半年工作 ", "2024-07-05", nil, me)
		if err != nil || d.Debrief != "上半年工作" || d.Comment != "" {
			t.Fatalf("save %+v %v", d, err)
		}
		comment := "肯定成绩，抓好整改"
		if _, err := stars.New(s).SaveDebrief(ctx, starYear, "B1", "上半年工作（改）", "2024-07-06", &comment, store.Actor{Username: "street"}); err != nil {
			t.Fatal(err)
		}
		// the secretary saves again: the committee's comment stays
		if _, err := stars.New(s).SaveDebrief(ctx, starYear, "B1", "上半年工作（再改）", "2024-07-06", nil, me); err != nil {
			t.Fatal(err)
		}
		d, err = stars.New(s).Debrief(ctx, starYear, "B1")
		if err != nil || d.Debrief != "上半年工作（再改）" || d.HeldDay != "2024-07-06" || d.Comment != comment || d.UpdatedBy != "sec" {
			t.Errorf("debrief %+v %v", d, err)
		}
		if _, err := stars.New(s).Debrief(ctx, starYear, "B2"); !errors.Is(err, pingyi.ErrNotFound) {
			t.Errorf("other branch: %v", err)
		}
		if _, err := stars.New(s).SaveDebrief(ctx, starYear, "B1", "x", "7月5日", nil, me); err == nil {
			t.Fatal("bad day accepted")
		} else if cols := inputColumns(t, err); strings.Join(cols, ",") != "held_day" {
			t.Errorf("columns %v", cols)
		}
		if _, err := stars.New(s).SaveDebrief(ctx, starYear, "ZZ", "x", "", nil, me); !errors.Is(err, pingyi.ErrNotFound) {
			t.Errorf("unknown org: %v", err)
		}
	})
}
