package stars_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// Issue 10, points 4 and 5: star objections and mass assessments have
// random IDs, not time-ordered ones, keep the day only, and the audit log
// has neither an objection's text nor an assessment's values.
func TestObjectionsAndMassAssessmentsUndated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st := stars.New(s)
		undated := func(what string, id int64) {
			t.Helper()
			if d := time.Since(store.IDTime(id)); d > -48*time.Hour && d < 48*time.Hour {
				t.Errorf("%s %d encodes a time (%s)", what, id, store.IDTime(id))
			}
		}
		starSeed(t, s)
		for range 5 {
			id, err := st.FileObjection(ctx, starYear, "B1", "", "评定不公", "")
			if err != nil {
				t.Fatal(err)
			}
			undated("star objection", id)
		}
		codes, err := st.IssueMassCodes(ctx, starYear, "B1", 2, store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SubmitMass(ctx, codes[0], map[string]map[pingyi.Star]string{"A01": massCells("2"), "A02": massCells("1")}, stars.PublicActor); err != nil {
			t.Fatal(err)
		}
		list, err := st.Assessments(ctx, starYear, "A01")
		if err != nil || len(list) != 1 {
			t.Fatalf("%v %v", list, err)
		}
		undated("mass assessment", list[0].ID)
		if list[0].Day != store.Today() {
			t.Errorf("assessment day %q", list[0].Day)
		}
		rows, err := s.R().Query(ctx, `SELECT entity, before_json, after_json FROM audit_log`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var e, b, a string
			rows.Scan(&e, &b, &a)
			if e == "star_assessment" || strings.Contains(b+a, "评定不公") {
				t.Errorf("audit log: %s %s %s", e, b, a)
			}
		}
	})
}
