package voice

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
)

// GenOptions shape a generated ledger (the demo, the benchmarks).
type GenOptions struct {
	Orgs      []string  // org codes opinions are received at (and routed between)
	N         int       // opinions
	From, Now time.Time // receipts fall in [From, Now); no event is after Now
	Seed      uint64
	Prefix    string // of refs and event numbers, to keep runs apart
	Cal       *rules.Calendar
	Loc       *time.Location
}

var genContent = map[rules.OpinionCategory][]string{
	rules.CategoryConsultation: {"咨询城乡居民医保缴费标准", "咨询老年人高龄补贴如何申领", "咨询宅基地审批流程", "咨询低保申请条件"},
	rules.CategoryHelp:         {"独居老人家中水管破裂，请求帮助", "村道路灯损坏多日，夜间出行不便", "孩子入学材料不会准备，请求指导", "暴雨后农田积水，请求排涝"},
	rules.CategorySuggestion:   {"建议在村口增设公交站点", "建议社区开设四点半课堂", "建议增加垃圾分类投放点", "建议定期开展义诊进村"},
	rules.CategoryComplaint:    {"投诉夜间施工噪音扰民", "投诉小区物业服务不到位", "投诉河道有人倾倒垃圾", "投诉菜市场占道经营"},
	rules.CategoryPraise:       {"表扬网格员上门帮办业务", "表扬村党支部书记为民办实事", "表扬志愿者长期照顾孤寡老人"},
}

var genReplies = map[rules.Outcome][]string{
	rules.Resolved:   {"已协调相关部门处理完毕，感谢您的反映。", "已上门解决，后续将持续跟进。"},
	rules.Partly:     {"已部分解决，剩余事项已列入计划。", "已先行处置，彻底解决需待资金到位。"},
	rules.Unresolved: {"经核实暂不具备条件，原因已当面说明。", "涉及上级政策调整，已向上反映。"},
}

// Generate makes a ledger of o.N opinions, every event checked against the
// rules on o.Cal (an event the rules refuse is left out), in an order the
// import takes: each opinion's events together, in time order. Channels,
// categories, urgency, routes, extensions, late and missing replies,
// reopenings, failed call-backs and closes are all represented.
func Generate(o GenOptions, emit func(ImportRow) error) error {
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	r := rules.OpinionRules{Cal: o.Cal, Loc: o.Loc}
	span := o.Now.Sub(o.From)
	if span <= 0 || len(o.Orgs) == 0 {
		return fmt.Errorf("voice: nothing to generate")
	}
	evNo := 0
	line := 1
	for i := 0; i < o.N; i++ {
		ref := fmt.Sprintf("%s%07d", o.Prefix, i+1)
		day := o.From.Add(time.Duration(rng.Int64N(int64(span)))).In(o.Loc)
		recv := time.Date(day.Year(), day.Month(), day.Day(), 8+rng.IntN(11), rng.IntN(60), 0, 0, o.Loc)
		if !recv.Before(o.Now) {
			recv = o.Now.Add(-time.Hour).Truncate(time.Minute)
		}
		cat := rules.OpinionCategories[rng.IntN(len(rules.OpinionCategories))]
		urg := ""
		if rng.IntN(12) == 0 {
			urg = string(rules.Urgent)
		}
		org := o.Orgs[rng.IntN(len(o.Orgs))]
		fold := &rules.Opinion{}
		var rows []ImportRow
		add := func(e rules.OpinionEvent, row ImportRow) bool {
			e.At = e.At.Truncate(time.Minute)
			if e.At.Before(fold.Last) {
				e.At = fold.Last
			}
			if e.At.After(o.Now) {
				return false
			}
			if ce := r.Apply(fold, e); ce != nil {
				return false
			}
			evNo++
			line++
			row.Line, row.EventNo, row.Ref, row.Event, row.At = line, fmt.Sprintf("%sE%08d", o.Prefix, evNo), ref, string(e.Kind), e.At.In(o.Loc).Format(TimeLayout)
			rows = append(rows, row)
			return true
		}
		hours := func(lo, hi float64) time.Duration {
			return time.Duration((lo + rng.Float64()*(hi-lo)) * float64(time.Hour))
		}
		texts := genContent[cat]
		ch := rules.Channels[rng.IntN(len(rules.Channels))]
		add(rules.OpinionEvent{Kind: rules.EvReceive, At: recv, Org: org, Channel: ch, Category: cat, Urgency: rules.Urgency(urg)},
			ImportRow{OrgCode: org, Channel: string(ch), Urgency: urg, Category: string(cat), Content: texts[rng.IntN(len(texts))]})
		if rng.IntN(12) == 0 && len(o.Orgs) > 1 {
			to := o.Orgs[rng.IntN(len(o.Orgs))]
			if to != fold.Org {
				add(rules.OpinionEvent{Kind: rules.EvRoute, At: fold.Last.Add(hours(0.5, 6)), Org: to}, ImportRow{OrgCode: to})
			}
		}
		if rng.IntN(100) < 7 || !add(rules.OpinionEvent{Kind: rules.EvAccept, At: fold.Last.Add(hours(0.2, 30))}, ImportRow{}) {
			if err := emitAll(rows, emit); err != nil {
				return err
			}
			continue
		}
		if rng.IntN(16) == 0 {
			add(rules.OpinionEvent{Kind: rules.EvExtend, At: fold.Last.Add(hours(1, 4))}, ImportRow{Content: "需协调多个部门"})
		}
		reply := func() bool {
			if rng.IntN(100) < 9 {
				return false // never answered (overdue once its deadline passes)
			}
			limit := fold.ReplyBy.Sub(fold.Last)
			at := fold.Last.Add(time.Duration(float64(limit) * (0.1 + rng.Float64()*1.25)))
			out := rules.Resolved
			switch n := rng.IntN(10); {
			case n >= 9:
				out = rules.Unresolved
			case n >= 7:
				out = rules.Partly
			}
			rs := genReplies[out]
			return add(rules.OpinionEvent{Kind: rules.EvReply, At: at, Outcome: out}, ImportRow{Outcome: string(out), Content: rs[rng.IntN(len(rs))]})
		}
		if !reply() {
			if err := emitAll(rows, emit); err != nil {
				return err
			}
			continue
		}
		for round := 0; round < 2; round++ {
			switch n := rng.IntN(100); {
			case n < 12: // not yet seen
			case n < 17: // three failed call-backs, then closed
				for k := 0; k < 3; k++ {
					add(rules.OpinionEvent{Kind: rules.EvCallbackFailed, At: fold.Last.Add(hours(2, 30))}, ImportRow{})
				}
				add(rules.OpinionEvent{Kind: rules.EvClose, At: fold.Last.Add(hours(1, 8))}, ImportRow{})
			default:
				add(rules.OpinionEvent{Kind: rules.EvSeen, At: fold.Last.Add(hours(1, 72))}, ImportRow{})
				if rng.IntN(10) < 7 {
					rt := pingyi.Satisfied
					switch n := rng.IntN(20); {
					case n >= 18:
						rt = pingyi.Dissatisfied
					case n >= 13:
						rt = pingyi.BasicallySatisfied
					}
					if add(rules.OpinionEvent{Kind: rules.EvRate, At: fold.Last.Add(hours(0.1, 24)), Rating: rt}, ImportRow{Rating: string(rt)}) &&
						fold.State == rules.StateAccepted {
						if reply() {
							continue // the second round: seen, rated again
						}
						break
					}
				}
				if rng.IntN(10) < 8 {
					add(rules.OpinionEvent{Kind: rules.EvClose, At: fold.Last.Add(hours(2, 72))}, ImportRow{})
				}
			}
			break
		}
		if err := emitAll(rows, emit); err != nil {
			return err
		}
	}
	return nil
}

func emitAll(rows []ImportRow, emit func(ImportRow) error) error {
	for _, r := range rows {
		if err := emit(r); err != nil {
			return err
		}
	}
	return nil
}
