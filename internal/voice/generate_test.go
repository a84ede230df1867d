package voice_test

import (
	"context"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/voice"
)

// A generated ledger imports whole, covers every state and channel, and
// the stats of the import agree with a replay of the rows by the rules.
func TestGenerateImports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		v := newVoice(t, s)
		now := time.Date(2026, 12, 3, 12, 0, 0, 0, cst)
		opts := voice.GenOptions{Orgs: []string{"V1", "V2", "V3", "T1"}, N: 800, From: now.AddDate(-1, 0, 0), Now: now, Seed: 7, Prefix: "G",
			Cal: rules.NewCalendar(nil), Loc: cst}
		var rows []voice.ImportRow
		if err := voice.Generate(opts, func(r voice.ImportRow) error { rows = append(rows, r); return nil }); err != nil {
			t.Fatal(err)
		}
		st, err := v.Import(ctx, rows, store.CLI)
		if err != nil {
			t.Fatalf("import of a generated ledger: %v", err)
		}
		if st.Opinions != 800 || st.Events != len(rows) {
			t.Errorf("stats %+v for %d rows", st, len(rows))
		}
		states := map[string]int{}
		channels := map[string]int{}
		rs, err := s.R().Query(ctx, `SELECT state, channel FROM opinions`)
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			var a, b string
			rs.Scan(&a, &b)
			states[a]++
			channels[b]++
		}
		rs.Close()
		for _, st := range rules.OpinionStates {
			if states[string(st)] == 0 {
				t.Errorf("no opinion %s: %v", st, states)
			}
		}
		if len(channels) != len(rules.Channels) {
			t.Errorf("channels %v", channels)
		}
		// Stats from the folds equal stats from a full replay as of now.
		asOf := now.Add(time.Hour)
		_, total, err := v.Stats(ctx, "D", "2025-01-01", "2026-12-31", asOf)
		if err != nil {
			t.Fatal(err)
		}
		r := rules.OpinionRules{Cal: rules.NewCalendar(nil), Loc: cst}
		folds := map[string]*rules.Opinion{}
		var order []string
		for _, row := range rows {
			o := folds[row.Ref]
			if o == nil {
				o = &rules.Opinion{}
				folds[row.Ref] = o
				order = append(order, row.Ref)
			}
			at, _ := v.ParseTime(row.At)
			e := rules.OpinionEvent{Kind: rules.OpinionEventKind(row.Event), At: at, Org: row.OrgCode, Channel: rules.Channel(row.Channel),
				Category: rules.OpinionCategory(row.Category), Urgency: rules.Urgency(row.Urgency), Outcome: rules.Outcome(row.Outcome)}
			e.Rating, _ = rules.ParseOpinionRating(row.Rating)
			if ce := r.Apply(o, e); ce != nil {
				t.Fatalf("replay %s line %d: %v", row.Ref, row.Line, ce)
			}
		}
		var want rules.OpinionTally
		for _, ref := range order {
			want.Add(folds[ref], asOf)
		}
		if total.OpinionTally != want {
			t.Errorf("stats %+v\nreplay %+v", total.OpinionTally, want)
		}
		// As of half a year ago (replays the opinions with later events).
		mid := now.AddDate(0, -6, 0)
		_, total, err = v.Stats(ctx, "D", "2025-01-01", "2026-12-31", mid)
		if err != nil {
			t.Fatal(err)
		}
		if total.Received == 0 || total.Received >= 800 {
			t.Errorf("as of %s: %+v", mid, total)
		}
		midFolds := map[string]*rules.Opinion{}
		order = order[:0]
		for _, row := range rows {
			at, _ := v.ParseTime(row.At)
			if at.After(mid) {
				continue
			}
			o := midFolds[row.Ref]
			if o == nil {
				o = &rules.Opinion{}
				midFolds[row.Ref] = o
				order = append(order, row.Ref)
			}
			e := rules.OpinionEvent{Kind: rules.OpinionEventKind(row.Event), At: at, Org: row.OrgCode, Channel: rules.Channel(row.Channel),
				Category: rules.OpinionCategory(row.Category), Urgency: rules.Urgency(row.Urgency), Outcome: rules.Outcome(row.Outcome)}
			e.Rating, _ = rules.ParseOpinionRating(row.Rating)
			r.Apply(o, e)
		}
		want = rules.OpinionTally{}
		for _, ref := range order {
			want.Add(midFolds[ref], mid)
		}
		if total.OpinionTally != want {
			t.Errorf("as of %s: stats %+v\nreplay %+v", mid, total.OpinionTally, want)
		}
	})
}
