package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/voice"
)

// demoCalendar2026 is the State Council's arrangement for 2026
// (国务院办公厅关于2026年部分节假日安排的通知, 4 November 2025; the same as
// docs/calendar/2026.csv): [from, to, kind, name].
var demoCalendar2026 = [][4]string{
	{"2026-01-01", "2026-01-03", "holiday", "元旦"}, {"2026-01-04", "2026-01-04", "workday", "元旦调休"},
	{"2026-02-14", "2026-02-14", "workday", "春节调休"}, {"2026-02-15", "2026-02-23", "holiday", "春节"},
	{"2026-02-28", "2026-02-28", "workday", "春节调休"}, {"2026-04-04", "2026-04-06", "holiday", "清明节"},
	{"2026-05-01", "2026-05-05", "holiday", "劳动节"}, {"2026-05-09", "2026-05-09", "workday", "劳动节调休"},
	{"2026-06-19", "2026-06-21", "holiday", "端午节"}, {"2026-09-20", "2026-09-20", "workday", "国庆节调休"},
	{"2026-09-25", "2026-09-27", "holiday", "中秋节"}, {"2026-10-01", "2026-10-07", "holiday", "国庆节"},
	{"2026-10-10", "2026-10-10", "workday", "国庆节调休"},
}

// seedDemoVoice adds the voice of the masses to the demo: the 2026
// holiday arrangement on the calendar, a year of opinions (about 1,500, in
// every channel and state, overdue ones included) mostly for the demo
// town's branches, and a few just filed on the public form, one of them
// anonymous.
func seedDemoVoice(ctx context.Context, st *store.Store, pick *demoObjects, w io.Writer, base string) error {
	var rows []store.CalendarRow
	for _, span := range demoCalendar2026 {
		d, _ := time.Parse(rules.DateLayout, span[0])
		end, _ := time.Parse(rules.DateLayout, span[1])
		for ; !d.After(end); d = d.AddDate(0, 0, 1) {
			rows = append(rows, store.CalendarRow{Line: len(rows) + 2, Date: d.Format(rules.DateLayout), Kind: span[2], Name: span[3]})
		}
	}
	if _, err := st.ImportCalendar(ctx, rows, demoActor); err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	v, err := voice.New(st)
	if err != nil {
		return err
	}
	cal, err := st.Calendar(ctx)
	if err != nil {
		return err
	}
	// The demo town's branches get most of them; the town itself and a
	// few other orgs the rest.
	all := pingyi.Scope{}
	kids, err := st.Children(ctx, all, pick.town.ID)
	if err != nil {
		return err
	}
	orgs := []string{pick.town.Code, pick.branch.Code, pick.branch.Code}
	for _, k := range kids {
		orgs = append(orgs, k.Code)
	}
	if roots, err := st.Children(ctx, all, 0); err == nil && len(roots) > 0 {
		if towns, err := st.Children(ctx, all, roots[0].ID); err == nil {
			for _, t := range towns[:min(len(towns), 6)] {
				orgs = append(orgs, t.Code)
			}
		}
	}
	now := time.Now().In(v.Loc)
	var ledger []voice.ImportRow
	err = voice.Generate(voice.GenOptions{Orgs: orgs, N: 1500, From: now.AddDate(-1, 0, 0), Now: now, Seed: demoSeed, Prefix: "DEMO",
		Cal: cal, Loc: v.Loc}, func(r voice.ImportRow) error { ledger = append(ledger, r); return nil })
	if err != nil {
		return err
	}
	stats, err := v.Import(ctx, ledger, demoActor)
	if err != nil {
		return fmt.Errorf("opinions: %w", err)
	}
	filed := []voice.NewOpinion{
		{Channel: "web", Category: "help", Content: "小区门口积水严重，老人出行困难，请尽快处理。", OrgCode: pick.branch.Code, Name: "陈女士", Phone: "13900000001"},
		{Channel: "web", Category: "suggestion", Content: "建议在文化礼堂开设老年书法班。", OrgCode: pick.branch.Code, PublicOK: true},
		{Channel: "hotline", Category: "complaint", Urgency: "urgent", Content: "夜间渣土车超速行驶，存在安全隐患。", OrgCode: pick.town.Code, Name: "李先生", Phone: "13900000002"},
	}
	var track string
	for _, n := range filed {
		rc, err := v.Receive(ctx, n, now, demoActor)
		if err != nil {
			return fmt.Errorf("opinions: %w", err)
		}
		if track == "" {
			track = rc.Token
		}
	}
	fmt.Fprintf(w, "意见建议 opinions: %s; %d 件刚提交 just filed\n  公开留言 public form: %s/opinion\n  跟踪 tracking: %s/opinion/t/%s\n",
		stats, len(filed), base, base, track)
	return nil
}
