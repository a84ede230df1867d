package doublereport_test

// City-scale benchmarks of the double report's tables (SPEC §6 service
// stats, board, leads) on SQLite and PostgreSQL:
//
//	go test ./internal/doublereport -run '^$' -bench City -benchtime 3x
//
// PINGYI_BENCH_SCALE=city (the figures: a 600,000-member city,
// 240,000 of them in service, 80% registered, 3,000 communities, 100,000
// needs and about 1,000,000 events) or a fraction of it, e.g. 0.1 (the
// default, a district).

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/doublereport"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/tabular"
)

func benchScale() float64 {
	s := os.Getenv("PINGYI_BENCH_SCALE")
	if s == "city" {
		return 1
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 0 {
		return f
	}
	return 0.1
}

type cityCounts struct{ orgs, members, inService, regs, needs, events int }

// fillCity writes a synthetic city straight into the tables: one root
// (level district), streets with communities, unit committees with
// branches of in-service members, community branches of other members.
func fillCity(b testing.TB, s *store.Store, scale float64) cityCounts {
	ctx := context.Background()
	var c cityCounts
	streets := max(2, int(100*scale))
	commsPer := 30
	unitBranches := max(4, int(6000*scale))
	inServicePer := 40
	othersPer := 120
	needsPerComm := 33
	rng := rand.New(rand.NewPCG(1, 2))
	now := store.Now()
	var orgRows, memberRows, regRows, needRows, eventRows [][]any
	id := int64(1)
	next := func() int64 { id++; return id }
	root := id
	orgRows = append(orgRows, []any{root, "CITY", "市委", "committee", "agency", nil, 0, "/1/", 0, now, "district"})
	var communities []int64
	for st := 0; st < streets; st++ {
		sid := next()
		spath := "/1/" + strconv.FormatInt(sid, 10) + "/"
		orgRows = append(orgRows, []any{sid, fmt.Sprintf("S%03d", st), "街道", "committee", "community", root, 0, spath, 1, now, "street"})
		for k := 0; k < commsPer; k++ {
			cid := next()
			orgRows = append(orgRows, []any{cid, fmt.Sprintf("S%03dC%02d", st, k), "社区", "branch", "community", sid, 0,
				spath + strconv.FormatInt(cid, 10) + "/", 2, now, "community"})
			communities = append(communities, cid)
			for m := 0; m < othersPer; m++ {
				memberRows = append(memberRows, []any{next(), fmt.Sprintf("O%07d", len(memberRows)), "党员", cid, "elderly", 0, now})
			}
		}
	}
	uc := next()
	orgRows = append(orgRows, []any{uc, "UNITS", "机关工委", "committee", "agency", root, 0, "/1/" + strconv.FormatInt(uc, 10) + "/", 1, now, ""})
	var inService []int64
	for u := 0; u < unitBranches; u++ {
		bid := next()
		orgRows = append(orgRows, []any{bid, fmt.Sprintf("U%05d", u), "机关支部", "branch", "agency", uc, 0,
			"/1/" + strconv.FormatInt(uc, 10) + "/" + strconv.FormatInt(bid, 10) + "/", 2, now, ""})
		for m := 0; m < inServicePer; m++ {
			mid := next()
			memberRows = append(memberRows, []any{mid, fmt.Sprintf("M%07d", len(memberRows)), "党员", bid, "in_service", 0, now})
			inService = append(inService, mid)
		}
	}
	// One in-service member in 400 is a leader, with some of the leads.
	var leaderRows, leadRows [][]any
	for i := 0; i < len(inService); i += 400 {
		leaderRows = append(leaderRows, []any{inService[i], "局长", now})
		for k, kind := range []string{"planning", "investigation", "investigation", "opinion", "lecture"} {
			if rng.IntN(4) > 0 {
				leadRows = append(leadRows, []any{next(), inService[i], kind, fmt.Sprintf("2026-%02d-10", 1+k), ""})
			}
		}
	}
	for _, mid := range inService {
		if rng.IntN(5) == 0 {
			continue
		}
		regRows = append(regRows, []any{next(), mid, 0, communities[rng.IntN(len(communities))], fmt.Sprintf("2025-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28)), "", "", "", now})
	}
	// Needs: in their community's registrants' hands: claim/cancel cycles,
	// then complete and confirm for most.
	regsByComm := map[int64][]int64{}
	for _, r := range regRows {
		regsByComm[r[3].(int64)] = append(regsByComm[r[3].(int64)], r[1].(int64))
	}
	ratings := []string{"satisfied", "satisfied", "basically_satisfied", "dissatisfied"}
	for _, cid := range communities {
		members := regsByComm[cid]
		for k := 0; k < needsPerComm; k++ {
			nid := next()
			pub := fmt.Sprintf("2026-%02d-%02d", 1+rng.IntN(11), 1+rng.IntN(20))
			kind := "project"
			if k%2 == 1 {
				kind = "wish"
			}
			state, claimer, last, seq := "open", int64(0), "", 0
			ev := func(event, on string, member int64, hours int64, rating string) {
				seq++
				eventRows = append(eventRows, []any{next(), "B" + strconv.FormatInt(id, 10), nid, cid, seq, event, on, member, 0, hours, rating, "", now})
				last = on
			}
			if len(members) > 0 && rng.IntN(10) > 0 {
				day := pub
				for cycle := 0; cycle < 3; cycle++ {
					m := members[rng.IntN(len(members))]
					ev("claim", day, m, 0, "")
					ev("cancel", day, m, 0, "")
				}
				m := members[rng.IntN(len(members))]
				ev("claim", day, m, 0, "")
				state, claimer = "claimed", m
				if rng.IntN(10) > 1 {
					ev("complete", day, m, int64(100+rng.IntN(400)), "")
					state = "completed"
					if rng.IntN(10) > 1 {
						ev("confirm", day, m, 0, ratings[rng.IntN(len(ratings))])
						state = "confirmed"
					}
				}
			}
			needRows = append(needRows, []any{nid, fmt.Sprintf("N%07d", len(needRows)), cid, kind, "需求", pub, "", "", state, claimer, 0, last, seq, now})
		}
	}
	err := s.Tx(ctx, func(q store.Q) error {
		for _, t := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{
			{"orgs", []string{"id", "code", "name", "type", "domain", "parent_id", "window_unit", "path", "depth", "updated_at", "level"}, orgRows},
			{"members", []string{"id", "code", "name", "org_id", "category", "is_secretary", "updated_at"}, memberRows},
			{"dr_registrations", []string{"id", "member_id", "org_id", "community_id", "registered_on", "left_on", "grid", "skills", "updated_at"}, regRows},
			{"dr_needs", []string{"id", "code", "community_id", "kind", "title", "published_on", "wish_type", "beneficiary", "state", "claimer_member_id", "claimer_org_id", "last_on", "events", "updated_at"}, needRows},
			{"dr_leaders", []string{"member_id", "title", "updated_at"}, leaderRows},
			{"dr_leads", []string{"id", "member_id", "kind", "on_date", "note"}, leadRows},
			{"dr_events", []string{"id", "event_no", "need_id", "community_id", "seq", "event", "on_date", "member_id", "org_id", "hours", "rating", "note", "created_at"}, eventRows},
		} {
			if err := doublereport.InsertRows(ctx, q, t.table, t.cols, t.rows); err != nil {
				return fmt.Errorf("%s: %w", t.table, err)
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.DB.Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
	c = cityCounts{len(orgRows), len(memberRows), len(inService), len(regRows), len(needRows), len(eventRows)}
	return c
}

func BenchmarkCity(b *testing.B) {
	scale := benchScale()
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run(db, func(b *testing.B) {
			var s *store.Store
			if db == "sqlite" {
				s = storetest.SQLite(b)
			} else {
				s = storetest.Postgres(b)
			}
			t0 := time.Now()
			c := fillCity(b, s, scale)
			b.Logf("%s: filled in %s: %d orgs, %d members (%d in service), %d registrations, %d needs, %d events",
				db, time.Since(t0).Round(time.Millisecond), c.orgs, c.members, c.inService, c.regs, c.needs, c.events)
			d := doublereport.New(s)
			ctx := context.Background()
			h1 := doublereport.Period{From: "2026-01-01", To: "2026-06-30"}
			b.Run("stats-by-unit", func(b *testing.B) {
				for b.Loop() {
					if _, _, err := d.StatsByUnit(ctx, "CITY", h1); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("stats-by-community", func(b *testing.B) {
				for b.Loop() {
					if _, _, err := d.StatsByCommunity(ctx, "CITY", h1); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("board", func(b *testing.B) {
				for b.Loop() {
					if _, err := d.Board(ctx, "CITY", h1, 100); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("leads", func(b *testing.B) {
				for b.Loop() {
					if _, err := d.Leads(ctx, "CITY", 2026); err != nil {
						b.Fatal(err)
					}
				}
			})
			// Events import: claims of open needs by registered members,
			// then their completes, as one file.
			b.Run("import-events", func(b *testing.B) {
				rows := openNeedEvents(b, s, 50000)
				b.ResetTimer()
				for b.Loop() {
					b.StopTimer()
					batch := make([]tabular.Row, len(rows))
					for i, r := range rows {
						cells := map[string]string{}
						for k, v := range r.Cells {
							cells[k] = v
						}
						cells["event_no"] = cells["event_no"] + "-" + strconv.Itoa(b.N) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
						batch[i] = tabular.Row{Line: r.Line, Cells: cells}
					}
					b.StartTimer()
					t := time.Now()
					n, err := d.ImportEvents(ctx, "bench", batch, store.CLI)
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(float64(n)/time.Since(t).Seconds(), "rows/s")
					b.StopTimer()
					// Undo: cancel what was claimed, so that the next round claims again.
					undo := make([]tabular.Row, 0, len(rows)/2)
					for i, r := range batch {
						if r.Cells["event"] == "claim" {
							undo = append(undo, tabular.Row{Line: i + 2, Cells: map[string]string{"event_no": r.Cells["event_no"] + "u", "need_code": r.Cells["need_code"],
								"event": "cancel", "on": r.Cells["on"], "member_code": r.Cells["member_code"]}})
						}
					}
					if _, err := d.ImportEvents(ctx, "bench", undo, store.CLI); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
			})
		})
	}
}

// openNeedEvents makes claim rows for up to n open needs, each by a member
// registered with its community.
func openNeedEvents(b *testing.B, s *store.Store, n int) []tabular.Row {
	rows, err := s.DB.Query(`SELECT nd.code, MIN(m.code) FROM dr_needs nd JOIN dr_registrations r ON r.community_id = nd.community_id
		JOIN members m ON m.id = r.member_id WHERE nd.state = 'open' GROUP BY nd.code ORDER BY nd.code LIMIT ` + strconv.Itoa(n))
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var out []tabular.Row
	for rows.Next() {
		var need, member string
		rows.Scan(&need, &member)
		out = append(out, tabular.Row{Line: len(out) + 2, Cells: map[string]string{"event_no": "X" + need, "need_code": need, "event": "claim",
			"on": "2026-12-01", "member_code": member}})
	}
	if len(out) == 0 {
		b.Skip("no open need")
	}
	return out
}
