package cli

// The double report of the demo district (双报到, SPEC §4): org levels, a
// year of registrations of in-service members and of some units, needs in
// every state (some open for more than 30 days), leaders with partial four
// leads, and a demo account of an in-service member registered with a
// community.

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/pingyi/pingyi/internal/doublereport"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

// seedDemoDoubleReport fills the double report of a fresh demo district
// and returns its demo login (an in-service member); on a database seeded
// before it only gives that account a new password.
func seedDemoDoubleReport(ctx context.Context, st *store.Store, fresh bool, w io.Writer) ([]demoLogin, error) {
	d := doublereport.New(st)
	if fresh {
		if err := demoDoubleReportData(ctx, st, d, w); err != nil {
			return nil, err
		}
	}
	var code string
	err := st.R().QueryRow(ctx, `SELECT m.code FROM members m JOIN dr_registrations r ON r.member_id = m.id
		WHERE r.left_on = '' AND m.category = 'in_service' ORDER BY m.code LIMIT 1`).Scan(&code)
	if err != nil {
		return nil, nil // no registration: nothing to log in to
	}
	m, _, err := st.Member(ctx, code)
	if err != nil {
		return nil, err
	}
	pw, err := ensureDemoAccount(ctx, st, &pingyi.User{Username: "service_member", DisplayName: m.Name, Role: pingyi.RoleMember,
		OrgID: m.OrgID, MemberID: m.ID}, fresh)
	if err != nil || pw == "" {
		return nil, err
	}
	return []demoLogin{{"在职党员 (in-service member, 双报到)，" + m.Name, "service_member", pw}}, nil
}

func row(line int, cells ...string) tabular.Row {
	m := make(map[string]string, len(cells)/2)
	for i := 0; i+1 < len(cells); i += 2 {
		m[cells[i]] = cells[i+1]
	}
	return tabular.Row{Line: line, Cells: m}
}

func demoDoubleReportData(ctx context.Context, st *store.Store, d *doublereport.DR, w io.Writer) error {
	rng := rand.New(rand.NewPCG(demoSeed, 1))
	today := time.Now()
	day := func(back int) string { return today.AddDate(0, 0, -back).Format("2006-01-02") }

	// Levels: the root is the district, its committees streets and towns,
	// the villages and communities below them the village level.
	var levels []tabular.Row
	var towns []int64
	rows, err := st.R().Query(ctx, `SELECT o.id, o.code, o.depth, o.type FROM orgs o ORDER BY o.depth, o.code`)
	if err != nil {
		return err
	}
	type org struct {
		id    int64
		code  string
		depth int
		typ   string
	}
	var orgs []org
	for rows.Next() {
		var o org
		if err := rows.Scan(&o.id, &o.code, &o.depth, &o.typ); err != nil {
			rows.Close()
			return err
		}
		orgs = append(orgs, o)
	}
	rows.Close()
	isTown := map[int64]bool{}
	for _, o := range orgs {
		if o.depth == 0 {
			levels = append(levels, row(len(levels)+2, "org_code", o.code, "level", rules.LevelDistrict))
		}
		if o.depth == 1 && o.typ == string(pingyi.OrgCommittee) {
			levels = append(levels, row(len(levels)+2, "org_code", o.code, "level", rules.LevelStreet))
			isTown[o.id] = true
			towns = append(towns, o.id)
		}
	}
	comms, err := st.R().Query(ctx, `SELECT o.code, o.parent_id FROM orgs o WHERE o.depth = 2 AND o.type <> 'committee' AND o.domain IN ('community', 'rural')
		ORDER BY o.code`)
	if err != nil {
		return err
	}
	var communities []string
	for comms.Next() {
		var c string
		var parent int64
		if err := comms.Scan(&c, &parent); err != nil {
			comms.Close()
			return err
		}
		if isTown[parent] {
			levels = append(levels, row(len(levels)+2, "org_code", c, "level", rules.LevelCommunity))
			communities = append(communities, c)
		}
	}
	comms.Close()
	if _, err := d.ImportLevels(ctx, "demo", levels, demoActor); err != nil {
		return fmt.Errorf("levels: %w", err)
	}
	isComm := map[string]bool{}
	for _, c := range communities {
		isComm[c] = true
	}

	// Registrations: four in five in-service members with their community,
	// from some day of the last year; one in twenty has moved since.
	mrows, err := st.R().Query(ctx, `SELECT m.code, m.community_code, m.org_id FROM members m WHERE m.category = 'in_service' AND m.community_code <> '' ORDER BY m.code`)
	if err != nil {
		return err
	}
	type reg struct{ member, community, on string }
	var regs []tabular.Row
	byComm := map[string][]reg{}
	units := map[int64]string{}
	for mrows.Next() {
		var code, comm string
		var orgID int64
		if err := mrows.Scan(&code, &comm, &orgID); err != nil {
			mrows.Close()
			return err
		}
		if !isComm[comm] || rng.IntN(5) == 0 {
			continue
		}
		on := day(30 + rng.IntN(330))
		left := ""
		if rng.IntN(20) == 0 {
			left = day(rng.IntN(25))
			if left <= on {
				left = ""
			}
		}
		regs = append(regs, row(len(regs)+2, "member_code", code, "community_code", comm, "registered_on", on, "left_on", left,
			"grid", "第"+strconv.Itoa(1+rng.IntN(6))+"网格", "skills", demoSkills[rng.IntN(len(demoSkills))]))
		if left == "" {
			byComm[comm] = append(byComm[comm], reg{code, comm, on})
		}
		units[orgID] = comm
	}
	mrows.Close()
	if _, err := d.ImportRegistrations(ctx, "demo", false, regs, demoActor); err != nil {
		return fmt.Errorf("registrations: %w", err)
	}
	// Units (共驻共建): one in three of the home branches registers too.
	var uregs []tabular.Row
	codes, err := d.OrgCodesByID(ctx, units)
	if err != nil {
		return err
	}
	for id, comm := range units {
		if id%3 == 0 {
			uregs = append(uregs, row(len(uregs)+2, "org_code", codes[id], "community_code", comm, "registered_on", day(200), "left_on", ""))
		}
	}
	if _, err := d.ImportRegistrations(ctx, "demo", true, uregs, demoActor); err != nil {
		return fmt.Errorf("unit registrations: %w", err)
	}

	// Needs in every state, and their ledger.
	var needs, events []tabular.Row
	ev := func(need, event, on, member, hours, rating string) {
		events = append(events, row(len(events)+2, "event_no", "DE"+strconv.Itoa(len(events)+1), "need_code", need, "event", event, "on", on,
			"member_code", member, "hours", hours, "rating", rating))
	}
	for _, c := range communities {
		members := byComm[c]
		n := 3 + rng.IntN(6)
		for i := range n {
			code := c + "-N" + strconv.Itoa(i+1)
			kind, wishType, beneficiary := rules.KindProject, "", ""
			title := demoProjects[rng.IntN(len(demoProjects))]
			if rng.IntN(2) == 0 {
				kind, title = rules.KindWish, demoWishes[rng.IntN(len(demoWishes))]
				wishType, beneficiary = rules.WishMaterial, demoBeneficiaries[rng.IntN(len(demoBeneficiaries))]
				if rng.IntN(3) == 0 {
					wishType = rules.WishSpiritual
				}
			}
			back := 5 + rng.IntN(200)
			published := day(back)
			needs = append(needs, row(len(needs)+2, "code", code, "community_code", c, "kind", kind, "title", title, "published_on", published,
				"wish_type", wishType, "beneficiary", beneficiary))
			// A claimer registered on the day of the claim.
			var who *reg
			claimBack := back - rng.IntN(min(back, 10)+1)
			claimOn := day(claimBack)
			for _, k := range rng.Perm(len(members)) {
				if members[k].on <= claimOn {
					who = &members[k]
					break
				}
			}
			stage := rng.IntN(10) // 0–1 open, 2 cancelled, 3–4 claimed, 5–6 completed, 7–9 confirmed
			if who == nil || stage < 2 {
				continue
			}
			ev(code, "claim", claimOn, who.member, "", "")
			if stage == 2 {
				ev(code, "cancel", day(max(0, claimBack-2)), who.member, "", "")
				continue
			}
			if stage < 5 || claimBack < 4 {
				continue
			}
			doneBack := claimBack - 1 - rng.IntN(min(claimBack-2, 20))
			ev(code, "complete", day(doneBack), who.member, strconv.Itoa(1+rng.IntN(6))+".5", "")
			if stage < 7 || doneBack < 1 {
				continue
			}
			rating := []string{"满意", "满意", "满意", "基本满意", "不满意"}[rng.IntN(5)]
			ev(code, "confirm", day(doneBack-1), "", "", rating)
		}
	}
	if _, err := d.ImportNeeds(ctx, "demo", needs, demoActor); err != nil {
		return fmt.Errorf("needs: %w", err)
	}
	if _, err := d.ImportEvents(ctx, "demo", events, demoActor); err != nil {
		return fmt.Errorf("events: %w", err)
	}

	// Leaders: the secretaries of the district's agency branches, with
	// some of their four leads done.
	lrows, err := st.R().Query(ctx, `SELECT m.code FROM members m JOIN orgs o ON o.id = m.org_id
		WHERE m.is_secretary = 1 AND o.domain = 'agency' ORDER BY m.code LIMIT 24`)
	if err != nil {
		return err
	}
	var leaders, leads []tabular.Row
	for lrows.Next() {
		var code string
		if err := lrows.Scan(&code); err != nil {
			lrows.Close()
			return err
		}
		leaders = append(leaders, row(len(leaders)+2, "member_code", code, "title", "局长"))
		for _, k := range []string{"planning", "investigation", "investigation", "opinion", "lecture"} {
			if rng.IntN(4) > 0 {
				leads = append(leads, row(len(leads)+2, "member_code", code, "kind", k, "on", day(rng.IntN(300)), "note", ""))
			}
		}
	}
	lrows.Close()
	if _, err := d.ImportLeaders(ctx, "demo", leaders, demoActor); err != nil {
		return fmt.Errorf("leaders: %w", err)
	}
	if _, err := d.ImportLeads(ctx, "demo", leads, demoActor); err != nil {
		return fmt.Errorf("leads: %w", err)
	}
	fmt.Fprintf(w, "双报到演示数据 double report: %d 个社区 communities, %d 名党员报到 registrations, %d 项需求 needs, %d 条纪实 events\n",
		len(communities), len(regs), len(needs), len(events))
	return nil
}

var (
	demoSkills        = []string{"医疗保健", "法律咨询", "家电维修", "文艺演出", "课业辅导", "心理疏导", "理发", "环境整治"}
	demoProjects      = []string{"周末义诊", "法律咨询进社区", "楼道清扫", "垃圾分类宣传", "老年人智能手机课堂", "暑期托管", "家电义务维修", "反诈宣传"}
	demoWishes        = []string{"一台轮椅", "一套学习用品", "陪老人聊聊天", "一个书包", "一台助听器", "帮忙修缮屋顶", "冬衣一件", "读书陪伴"}
	demoBeneficiaries = []string{"李奶奶", "王爷爷", "留守儿童小明", "张阿姨", "困难户陈某", "独居老人赵某"}
)
