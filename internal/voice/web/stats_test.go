package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/voice"
	voiceweb "github.com/pingyi/pingyi/internal/voice/web"
	"github.com/pingyi/pingyi/internal/web/webtest"
)

// The figures page: the stats table of the viewer's subtree and the three
// rates by month, computed by hand (no calendar: Monday to Friday).
func TestStatsPage(t *testing.T) {
	st := storetest.SQLite(t)
	f := webtest.New(t, st, voiceweb.New)
	v, err := voice.New(st)
	if err != nil {
		t.Fatal(err)
	}
	row := func(line int, no, ref, ev, at, org, cat, outcome, rating, content string) voice.ImportRow {
		r := voice.ImportRow{Line: line, EventNo: no, Ref: ref, Event: ev, At: at, Outcome: outcome, Rating: rating, Content: content}
		if ev == "receive" {
			r.OrgCode, r.Channel, r.Category = org, "web", cat
		}
		return r
	}
	// R1 V1 replied on time, resolved, satisfied; R2 V2 never replied (due
	// 3/5); R3 V1 complaint of 4/1 due 4/15, replied late 4/30, partly.
	if _, err := v.Import(context.Background(), []voice.ImportRow{
		row(2, "S1", "R1", "receive", "2026-03-02 09:00", "V1", "consultation", "", "", "咨询"),
		row(3, "S2", "R1", "accept", "2026-03-02 10:00", "", "", "", "", ""),
		row(4, "S3", "R1", "reply", "2026-03-03 10:00", "", "", "resolved", "", ""),
		row(5, "S4", "R1", "rate", "2026-03-04 10:00", "", "", "", "satisfied", ""),
		row(6, "S5", "R2", "receive", "2026-03-02 10:00", "V2", "help", "", "", "求助"),
		row(7, "S6", "R3", "receive", "2026-04-01 09:00", "V1", "complaint", "", "", "投诉"),
		row(8, "S7", "R3", "accept", "2026-04-01 10:00", "", "", "", "", ""),
		row(9, "S8", "R3", "reply", "2026-04-30 10:00", "", "", "partly", "", ""),
	}, store.CLI); err != nil {
		t.Fatal(err)
	}
	town := f.As("orgadmin")
	code, body := town.Get("/inbox/stats?from=2026-03-01&to=2026-04-30")
	if code != 200 {
		t.Fatalf("stats: %d %s", code, webtest.Excerpt(body))
	}
	for _, want := range []string{
		"<td>V1</td><td>2</td><td>2</td><td>2</td><td>1</td><td>1</td><td>1</td><td>1</td><td>0</td><td>1</td><td>0</td><td>50.00</td><td>50.00</td><td>100.00</td>",
		"<td>V2</td><td>1</td><td>1</td><td>0</td><td>0</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0.00</td><td></td><td></td>",
		"<td><strong>TOTAL</strong></td><td><strong>3</strong></td><td><strong>3</strong></td><td><strong>2</strong></td><td><strong>1</strong></td><td><strong>2</strong></td>",
		"<strong>33.33</strong></td><td><strong>50.00</strong></td><td><strong>100.00</strong>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("stats page lacks %s", want)
		}
	}
	months := body[strings.Index(body, `id="stats-months"`):]
	if !strings.Contains(months, "2026-03") || !strings.Contains(months, "width:50px\"></span> 50.00") || !strings.Contains(months, "2026-04") {
		t.Errorf("months: %s", months[:min(len(months), 1500)])
	}
	code, _, h := town.Do("GET", "/inbox/stats?from=2026-03-01&to=2026-04-30&format=xlsx", nil, "")
	if code != 200 || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
		t.Errorf("xlsx: %d %v", code, h)
	}
	if code, _ := town.Get("/inbox/stats?scope=V3"); code != http.StatusNotFound {
		t.Errorf("scope outside: %d", code)
	}
	if code, _ := town.Get("/inbox/stats?from=2026-05-01&to=2026-04-01"); code != http.StatusBadRequest {
		t.Errorf("bad period: %d", code)
	}
}
