package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// The demo has the year's holidays and a year of opinions in every state.
func TestSeedDemoVoice(t *testing.T) {
	smallDemo(t)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var out bytes.Buffer
		if _, err := seedDemo(ctx, st, &out, "http://localhost:8080"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "意见建议 opinions: 1500 opinions received") || !strings.Contains(out.String(), "http://localhost:8080/opinion/t/") {
			t.Errorf("output:\n%s", out.String())
		}
		cal, err := st.Calendar(ctx)
		if err != nil || !cal.HasHolidays(2026) {
			t.Errorf("calendar: %v", err)
		}
		states := map[string]int{}
		rows, err := st.R().Query(ctx, `SELECT state, COUNT(*) FROM opinions GROUP BY state`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			var n int
			rows.Scan(&s, &n)
			states[s] = n
		}
		rows.Close()
		for _, s := range rules.OpinionStates {
			if states[string(s)] == 0 {
				t.Errorf("no demo opinion %s: %v", s, states)
			}
		}
	})
}
