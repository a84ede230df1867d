package cli_test

// The service commands (双报到, SPEC §6) end to end on SQLite and
// PostgreSQL, on a small district whose every figure is computed by hand
// in the comments below.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/cli"
	"github.com/pingyi/pingyi/internal/doublereport"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// The district:
//
//	D  (district)  ├── S1 (street) ── C1, C2 (communities)
//	               ├── S2 (street) ── C3 (community)
//	               ├── U1 committee: M7 in service ── B1 branch: M1 M2 M3 in service, M4 farming
//	               └── U2 branch: M5, M6 in service
const svcOrgs = `code,name,type,domain,parent_code,window_unit
D,某区委,committee,agency,,
S1,一街道党工委,committee,community,D,
C1,一社区党委,committee,community,S1,
C2,二社区党委,committee,community,S1,
S2,二街道党工委,committee,community,D,
C3,三社区党委,committee,community,S2,
U1,某局党委,committee,agency,D,
B1,某局机关支部,branch,agency,U1,
U2,某公司支部,branch,enterprise,D,
`

const svcLevels = `org_code,level
D,district
S1,street
S2,street
C1,community
C2,community
C3,community
`

const svcMembers = `code,name,org_code,category,is_secretary
M1,张一,B1,in_service,false
M2,张二,B1,in_service,false
M3,张三,B1,in_service,false
M4,张四,B1,farming,false
M5,张五,U2,in_service,false
M6,张六,U2,in_service,true
M7,张七,U1,in_service,false
`

// M3 leaves C2 on 30 June: not registered on the last day of the half.
const svcRegs = `member_code,community_code,registered_on,left_on,grid,skills
M1,C1,2026-01-05,,一网格,医疗
M2,C1,2026-02-01,2026-05-01,,
M2,C3,2026-05-01,,,
M3,C2,2026-03-01,2026-06-30,,
M5,C2,2026-01-01,,,
M6,C1,2026-01-01,,,
`

const svcUnitRegs = `org_code,community_code,registered_on,left_on
U2,C2,2026-01-01,
B1,C2,2026-07-01,
`

const svcNeeds = `code,community_code,kind,title,published_on,wish_type,beneficiary
N1,C1,project,义诊,2026-01-10,,
N2,C1,wish,一台轮椅,2026-01-15,material,李奶奶
N3,C1,wish,陪伴聊天,2026-02-01,spiritual,王爷爷
N4,C2,project,清扫楼道,2026-03-01,,
N5,C3,project,法律咨询,2026-05-10,,
N6,C2,project,旧项目,2025-12-01,,
N7,C1,project,六月义诊,2026-06-15,,
`

const svcEvents = `event_no,need_code,event,on,member_code,org_code,hours,rating
E1,N1,claim,2026-01-10,M1,,,
E2,N1,complete,2026-01-12,M1,,2.5,
E3,N1,confirm,2026-01-13,,,,满意
E4,N2,claim,2026-02-01,M2,,,
E5,N2,cancel,2026-02-02,M2,,,
E6,N2,claim,2026-02-02,M1,,,
E7,N4,claim,2026-03-05,,U2,,
E8,N4,complete,2026-03-06,,U2,0,
E9,N4,confirm,2026-03-07,,,,不满意
E10,N5,claim,2026-05-12,M2,,,
E11,N5,complete,2026-05-20,M2,,3,
E12,N5,confirm,2026-07-02,,,,satisfied
E13,N6,claim,2026-01-02,M5,,,
E14,N6,cancel,2026-06-01,M5,,,
E15,N7,claim,2026-06-20,M6,,,
E16,N7,complete,2026-06-21,M6,,1.25,
E17,N7,confirm,2026-06-22,,,,基本满意
E18,N3,claim,2026-07-05,M1,,,
`

const svcLeaders = "member_code,title\nM6,书记\nM1,局长\n"

const svcLeads = `member_code,kind,on,note
M6,planning,2026-02-01,
M6,investigation,2026-03-01,
M6,investigation,2026-04-01,
M6,opinion,2026-04-02,
M6,lecture,2026-05-01,宣讲
M1,investigation,2026-03-01,
M1,lecture,2025-12-31,
M1,opinion,2026-06-01,
`

// svcDistrict loads the district through the commands.
func svcDistrict(t *testing.T, dsn string) {
	t.Helper()
	ok(t, dsn, "import", "orgs", write(t, "orgs.csv", svcOrgs))
	ok(t, dsn, "import", "members", write(t, "members.csv", svcMembers))
	ok(t, dsn, "service", "import", "levels", write(t, "levels.csv", svcLevels))
	ok(t, dsn, "service", "import", "registrations", write(t, "regs.csv", svcRegs))
	ok(t, dsn, "service", "import", "unit-registrations", write(t, "uregs.csv", svcUnitRegs))
	ok(t, dsn, "service", "import", "needs", write(t, "needs.csv", svcNeeds))
	ok(t, dsn, "service", "import", "events", write(t, "events.csv", svcEvents))
	ok(t, dsn, "service", "import", "leaders", write(t, "leaders.csv", svcLeaders))
	ok(t, dsn, "service", "import", "leads", write(t, "leads.csv", svcLeads))
}

// svcDump is the database as the refused checks compare it: every table
// of storetest.Dump and the double report's.
func svcDump(t *testing.T, dsn string) string {
	t.Helper()
	s := openDB(t, dsn)
	defer s.Close()
	var b strings.Builder
	b.WriteString(storetest.Dump(t, s))
	for _, tb := range []string{"dr_registrations", "dr_needs", "dr_events", "dr_leaders", "dr_leads", "dr_recommendations"} {
		rows, err := s.DB.QueryContext(context.Background(), `SELECT * FROM `+tb+` ORDER BY id`)
		if tb == "dr_leaders" {
			rows, err = s.DB.QueryContext(context.Background(), `SELECT * FROM dr_leaders ORDER BY member_id`)
		}
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			fmt.Fprintf(&b, "%s %v\n", tb, vals)
		}
		rows.Close()
	}
	return b.String()
}

func svcRefused(t *testing.T, dsn string, want []string, args ...string) result {
	t.Helper()
	before := svcDump(t, dsn)
	r := pingyi(dsn, args...)
	if r.code != cli.ExitRefused {
		t.Errorf("pingyi %s: want exit 1, got %v", strings.Join(args, " "), r)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("pingyi %s: stderr does not name %q:\n%s", strings.Join(args, " "), w, r.stderr)
		}
	}
	if after := svcDump(t, dsn); after != before {
		t.Errorf("pingyi %s: a refused command changed the database", strings.Join(args, " "))
	}
	return r
}

func TestServiceStats(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		svcDistrict(t, dsn)
		// Appendix 1, first half of 2026 (1 January – 30 June).
		// B1: M1 M2 M3 in service; on 30 June M1 (C1) and M2 (C3) are
		// registered, M3 left that day: 2 of 3 = 66.67%. Claims E1 E4 E6
		// E10, cancel E5, completes E2 (2.5 h) E11 (3 h), the confirm E3
		// satisfied (E12 is in July).
		// U1: M7, never registered: 0.00%, nothing else, no satisfaction.
		// U2: M5, M6 registered; claims E13 E15 and its own E7; cancel E14;
		// completes E16 (1.25 h) and its own E8 (0 h); confirms E17
		// (基本满意) and E9 (不满意): (2−1)/2 = 50.00%.
		// D, S1, S2, C1–C3 have no in-service member and no claim of their own.
		want := `org_code,in_service,registered,registration_rate,claims,cancels,completed,hours,confirmed,dissatisfied,satisfaction_rate
B1,3,2,66.67,4,1,2,5.50,1,0,100.00
U1,1,0,0.00,0,0,0,0.00,0,0,
U2,2,2,100.00,3,1,2,1.25,2,1,50.00
TOTAL,6,4,66.67,7,2,4,6.75,3,1,66.67
`
		if r := ok(t, dsn, "service", "stats", "--scope", "D", "--half", "2026H1"); r.stdout != want {
			t.Errorf("by unit:\n%s\nwant:\n%s", r.stdout, want)
		}
		if r := ok(t, dsn, "service", "stats", "--scope", "D", "--from", "2026-01-01", "--to", "2026-06-30", "--by", "unit"); r.stdout != want {
			t.Errorf("--from/--to differs from --half:\n%s", r.stdout)
		}
		// The scope's subtree includes the scope: U1 is U1 and B1.
		wantU1 := `org_code,in_service,registered,registration_rate,claims,cancels,completed,hours,confirmed,dissatisfied,satisfaction_rate
B1,3,2,66.67,4,1,2,5.50,1,0,100.00
U1,1,0,0.00,0,0,0,0.00,0,0,
TOTAL,4,2,50.00,4,1,2,5.50,1,0,100.00
`
		if r := ok(t, dsn, "service", "stats", "--scope", "U1", "--half", "2026H1"); r.stdout != wantU1 {
			t.Errorf("U1:\n%s", r.stdout)
		}
		// Appendix 2, first half. C1: on 30 June M1 and M6 (M2 left 1 May),
		// no unit; projects N1 N7, wishes N2 N3; claimed N1 N2 N7 (N3's
		// claim is in July); completed N1 N7; confirms E3 satisfied, E17
		// basically: 100.00%; open at the end of 30 June and published by
		// 31 May: N3 → 1.
		// C2: M5 (M3 left on the day); U2 (B1 from July); project N4 (N6 was
		// published in 2025); claimed N6 (E13) and N4; completed N4; one
		// confirm, dissatisfied: 0.00%; open over 30: N6, cancelled 1 June.
		// C3: M2; project N5 claimed and completed, confirmed only in July.
		wantC := `community_code,registered_members,registered_units,projects,wishes,claimed,completed,confirmed,dissatisfied,satisfaction_rate,open_over_30
C1,2,0,2,2,3,2,2,0,100.00,1
C2,1,1,1,0,2,1,1,1,0.00,1
C3,1,0,1,0,1,1,0,0,,0
TOTAL,4,1,4,2,6,4,3,1,66.67,2
`
		if r := ok(t, dsn, "service", "stats", "--scope", "D", "--half", "2026H1", "--by", "community"); r.stdout != wantC {
			t.Errorf("by community:\n%s\nwant:\n%s", r.stdout, wantC)
		}
		// open_over_30 is judged at the end of the last day: on 31 May N6 is
		// still claimed (cancelled 1 June) and 30 days back is 1 May; on
		// 1 June it is open again. N3 is open and published 1 February.
		for to, want := range map[string]string{"2026-05-31": "C1,1 C2,0", "2026-06-01": "C1,1 C2,1"} {
			r := ok(t, dsn, "service", "stats", "--scope", "S1", "--from", "2026-01-01", "--to", to, "--by", "community")
			got := []string{}
			for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n")[1:3] {
				f := strings.Split(l, ",")
				got = append(got, f[0]+","+f[10])
			}
			if strings.Join(got, " ") != want {
				t.Errorf("to %s: open over 30 %v, want %s\n%s", to, got, want, r.stdout)
			}
		}
		// The second half: B1 adds its unit registration, E12 confirms M2's
		// completion, E18 is M1's claim.
		r := ok(t, dsn, "service", "stats", "--scope", "D", "--half", "2026H2")
		if !strings.Contains(r.stdout, "\nB1,3,2,66.67,1,0,0,0.00,1,0,100.00\n") {
			t.Errorf("H2:\n%s", r.stdout)
		}
		// JSON: numbers as numbers, an empty rate as null, codes as text.
		r = ok(t, dsn, "service", "stats", "--scope", "D", "--half", "2026H1", "--format", "json")
		var recs []map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &recs); err != nil {
			t.Fatalf("%v\n%s", err, r.stdout)
		}
		if len(recs) != 4 || recs[1]["org_code"] != "U1" || recs[1]["satisfaction_rate"] != nil || recs[0]["hours"] != 5.5 || recs[3]["org_code"] != "TOTAL" {
			t.Errorf("json %v", recs)
		}
		// XLSX in the filed layout: title, period, Chinese column titles, rows.
		out := filepath.Join(t.TempDir(), "a2.xlsx")
		ok(t, dsn, "service", "stats", "--scope", "D", "--half", "2026H1", "--by", "community", "--format", "xlsx", "-o", out)
		f, err := excelize.OpenFile(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, _ := f.GetRows(f.GetSheetName(0))
		if len(rows) != 7 || !strings.Contains(rows[0][0], "附件2") || rows[1][0] != "2026H1" || rows[2][0] != "社区" || rows[3][0] != "C1" || rows[6][0] != "合计" {
			t.Errorf("xlsx rows %q", rows)
		}
		// Usage errors and an unknown scope.
		for _, args := range [][]string{
			{"service", "stats", "--half", "2026H1"},
			{"service", "stats", "--scope", "D"},
			{"service", "stats", "--scope", "D", "--half", "2026H3"},
			{"service", "stats", "--scope", "D", "--half", "2026H1", "--from", "2026-01-01", "--to", "2026-02-01"},
			{"service", "stats", "--scope", "D", "--from", "2026-01-01"},
			{"service", "stats", "--scope", "D", "--from", "2026-02-30", "--to", "2026-03-01"},
			{"service", "stats", "--scope", "D", "--from", "2026-03-01", "--to", "2026-02-01"},
			{"service", "stats", "--scope", "D", "--half", "2026H1", "--by", "street"},
			{"service", "stats", "--scope", "D", "--half", "2026H1", "--format", "xlsx"},
		} {
			if r := pingyi(dsn, args...); r.code != cli.ExitUsage {
				t.Errorf("%v: want exit 2, got %v", args, r)
			}
		}
		if r := pingyi(dsn, "service", "stats", "--scope", "ZZ", "--half", "2026H1"); r.code != cli.ExitRefused || !strings.Contains(r.stderr, "ZZ") {
			t.Errorf("unknown scope: %v", r)
		}
	})
}

func TestServiceBoardLeadsFeedback(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		svcDistrict(t, dsn)
		// Completions in the first half by members: M1 E2 (2.5 h), M2 E11
		// (3 h), M6 E16 (1.25 h); U2's own E8 is not a member's. One each:
		// by hours M2, M1, M6. Satisfied confirms in the half: M1's E3 (M2's
		// E12 is in July; M6's E17 is 基本满意).
		want := "rank,member_code,completed,hours,satisfied\n1,M2,1,3.00,0\n2,M1,1,2.50,1\n3,M6,1,1.25,0\n"
		if r := ok(t, dsn, "service", "board", "--scope", "D", "--from", "2026-01-01", "--to", "2026-06-30"); r.stdout != want {
			t.Errorf("board:\n%s", r.stdout)
		}
		if r := ok(t, dsn, "service", "board", "--scope", "D", "--from", "2026-01-01", "--to", "2026-12-31", "--top", "2"); r.stdout != "rank,member_code,completed,hours,satisfied\n1,M2,1,3.00,1\n2,M1,1,2.50,1\n" {
			t.Errorf("board top 2 of the year:\n%s", r.stdout)
		}
		if r := ok(t, dsn, "service", "board", "--scope", "U2", "--from", "2026-01-01", "--to", "2026-06-30"); r.stdout != "rank,member_code,completed,hours,satisfied\n1,M6,1,1.25,0\n" {
			t.Errorf("board U2:\n%s", r.stdout)
		}
		// A past period's board never changes: events dated later are added.
		ok(t, dsn, "service", "import", "events", write(t, "more.csv", "event_no,need_code,event,on,member_code,org_code,hours,rating\nE19,N3,complete,2026-07-06,M1,,4,\n"))
		if r := ok(t, dsn, "service", "board", "--scope", "D", "--from", "2026-01-01", "--to", "2026-06-30"); r.stdout != want {
			t.Errorf("past board changed:\n%s", r.stdout)
		}
		// Leads of 2026: M1 has investigation 1 (needs 2), opinion 1, no
		// planning, no lecture (his is dated 2025), project 1 (E2 on N1). M6:
		// planning 1, investigation 2, opinion 1, lecture 1, project 1 (E16).
		wantL := "member_code,planning,investigation,opinion,lecture,project,compliant,missing\nM1,0,1,1,0,1,false,planning;investigation;lecture\nM6,1,2,1,1,1,true,\n"
		if r := ok(t, dsn, "service", "leads", "--year", "2026", "--scope", "D"); r.stdout != wantL {
			t.Errorf("leads:\n%s", r.stdout)
		}
		if r := ok(t, dsn, "service", "leads", "--year", "2025", "--scope", "U1"); r.stdout != "member_code,planning,investigation,opinion,lecture,project,compliant,missing\nM1,0,0,0,1,0,false,planning;investigation;opinion;project\n" {
			t.Errorf("leads 2025:\n%s", r.stdout)
		}
		svcRefused(t, dsn, []string{"line 2, column member_code", "line 3, column kind", "line 4, column on"},
			"service", "import", "leads", write(t, "bad.csv", "member_code,kind,on\nM2,planning,2026-01-01\nM6,project,2026-01-01\nM6,lecture,2026-13-01\n"))
		// Feedback of B1's in-service members for 2026 (M4 farms): M1 C1,
		// claims E1 E6 E18, complete E2 and E19 (2.5 + 4 h), confirm E3; M2
		// last registered with C3, claims E4 E10, cancel E5, complete E11,
		// confirm E12; M3 C2 until 30 June, nothing else.
		wantF := `member_code,name,org_code,community_code,registered_on,left_on,claims,cancels,completed,hours,confirmed,satisfied,dissatisfied
M1,张一,B1,C1,2026-01-05,,3,0,2,6.50,1,1,0
M2,张二,B1,C3,2026-05-01,,2,1,1,3.00,1,1,0
M3,张三,B1,C2,2026-03-01,2026-06-30,0,0,0,0.00,0,0,0
`
		if r := ok(t, dsn, "service", "feedback", "--year", "2026", "--unit", "B1"); r.stdout != wantF {
			t.Errorf("feedback:\n%s", r.stdout)
		}
		out := filepath.Join(t.TempDir(), "fb.pdf")
		ok(t, dsn, "service", "feedback", "--year", "2026", "--unit", "B1", "--format", "pdf", "-o", out)
		if b, err := os.ReadFile(out); err != nil || !strings.HasPrefix(string(b), "%PDF") {
			t.Errorf("pdf: %v", err)
		}
	})
}

func TestServiceRecommend(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		svcDistrict(t, dsn)
		// Street S1 (C1, C2) in 2026: members M1 M2 M3 M5 M6 registered on
		// some day → n = 5, quota round_half_up(0.75) = 1; units U2 and B1 →
		// n = 2, round_half_up(0.3) = 0, at least 1.
		svcRefused(t, dsn, []string{"member: 2 recommended, over the quota of 1"},
			"service", "recommend", "--year", "2026", "--street", "S1", write(t, "r.csv", "kind,code,mass_votes,note\nmember,M1,30,\nmember,M2,12,\norg,U2,,\n"))
		svcRefused(t, dsn, []string{"org: 2 recommended, over the quota of 1"},
			"service", "recommend", "--year", "2026", "--street", "S1", write(t, "r.csv", "kind,code\norg,U2\norg,B1\n"))
		svcRefused(t, dsn, []string{"line 2, column code", "line 3, column kind", "line 4, column code"},
			"service", "recommend", "--year", "2026", "--street", "S1", write(t, "r.csv", "kind,code\nmember,M7\nteam,M1\norg,U1\n"))
		// M2 was with C1 (S1) until 1 May: counted in S1's n for 2026 but
		// not for 2027 (then only with C3, in S2).
		ok(t, dsn, "service", "recommend", "--year", "2026", "--street", "S1", write(t, "r.csv", "kind,code,mass_votes,note\nmember,M2,30,热心\norg,B1,,\n"))
		svcRefused(t, dsn, []string{"line 2, column code"}, "service", "recommend", "--year", "2027", "--street", "S1", write(t, "r.csv", "kind,code\nmember,M2\n"))
		// A new list replaces the street's list for the year.
		ok(t, dsn, "service", "recommend", "--year", "2026", "--street", "S1", write(t, "r.csv", "kind,code\nmember,M5\n"))
		s := openDB(t, dsn)
		defer s.Close()
		var n int
		s.DB.QueryRow(`SELECT COUNT(*) FROM dr_recommendations`).Scan(&n)
		if n != 1 {
			t.Errorf("%d recommendations after the replacement", n)
		}
		if r := pingyi(dsn, "service", "recommend", "--year", "2026", "--street", "C1", write(t, "r.csv", "kind,code\n")); r.code != cli.ExitRefused {
			t.Errorf("a community as street: %v", r)
		}
	})
}

func TestServiceImportsRefused(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		svcDistrict(t, dsn)
		svcRefused(t, dsn, []string{"line 2, column member_code", "line 3, column community_code", "line 4, column registered_on", "line 5, column left_on"},
			"service", "import", "registrations", write(t, "r.csv", "member_code,community_code,registered_on,left_on\nM4,C1,2026-01-01,\nM7,S1,2026-01-01,\nM1,C2,2026-04-01,\nM7,C1,2026-04-01,2026-04-01\n"))
		svcRefused(t, dsn, []string{"line 2, column wish_type", "line 3, column published_on"},
			"service", "import", "needs", write(t, "n.csv", "code,community_code,kind,title,published_on,wish_type,beneficiary\nN8,C1,wish,书包,2026-01-10,,\nN9,C1,project,x,2026-1-10,,\n"))
		// N1 has events: its kind cannot change, its title can.
		svcRefused(t, dsn, []string{"line 2, column kind"},
			"service", "import", "needs", write(t, "n.csv", "code,community_code,kind,title,published_on,wish_type,beneficiary\nN1,C1,wish,义诊,2026-01-10,material,\n"))
		ok(t, dsn, "service", "import", "needs", write(t, "n.csv", "code,community_code,kind,title,published_on\nN1,C1,project,周末义诊,2026-01-10\n"))
		// Events: one already imported, a claim of a need claimed, a cancel
		// by someone else than the claimer, hours 0 from a member, a Chinese
		// rating off the 3-level scale, dated before the last event.
		svcRefused(t, dsn, []string{"line 2, column event_no", "line 3, column event", "line 4, column member_code", "line 5, column hours", "line 6, column rating", "line 7, column on"},
			"service", "import", "events", write(t, "e.csv", `event_no,need_code,event,on,member_code,org_code,hours,rating
E1,N3,claim,2026-08-01,M6,,,
X2,N3,claim,2026-08-01,M6,,,
X3,N2,cancel,2026-08-01,M2,,,
X4,N2,complete,2026-08-01,M1,,0,
X5,N7,confirm,2026-08-01,,,,比较满意
X6,N3,complete,2026-07-04,M1,,1,
`))
		// A header missing a column.
		svcRefused(t, dsn, []string{"line 1"}, "service", "import", "events", write(t, "e.csv", "event_no,need_code,event,on\nX1,N3,cancel,2026-08-01\n"))
		// The same file as XLSX is accepted like the CSV.
		x := writeXLSX(t, "e.xlsx", [][]any{{"event_no", "need_code", "event", "on", "member_code", "org_code", "hours", "rating"},
			{"X7", "N3", "cancel", "2026-08-01", "M1", "", "", ""}, {"X8", "N3", "claim", "2026-08-02", "M6", "", "", ""}})
		if r := ok(t, dsn, "service", "import", "events", x); !strings.Contains(r.stdout, "2 events") {
			t.Errorf("xlsx: %v", r)
		}
		for _, args := range [][]string{{"service", "import"}, {"service", "import", "teachers", x}, {"service", "import", "events"}} {
			if r := pingyi(dsn, args...); r.code != cli.ExitUsage {
				t.Errorf("%v: %v", args, r)
			}
		}
	})
}

func TestServiceSubmissions(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		svcDistrict(t, dsn)
		ok(t, dsn, "service", "submit", "--half", "2026H1", "--unit", "B1", "--on", "2026-06-26")
		ok(t, dsn, "service", "submit", "--half", "2026H1", "--unit", "U1", "--on", "2026-06-20")
		ok(t, dsn, "service", "submit", "--half", "2026H1", "--street", "S1", "--on", "2026-06-27")
		svcRefused(t, dsn, []string{"already submitted"}, "service", "submit", "--half", "2026H1", "--unit", "B1", "--on", "2026-06-28")
		svcRefused(t, dsn, []string{"not of level street"}, "service", "submit", "--half", "2026H1", "--street", "C1")
		// A registration dated back into the half changes the table, not
		// the submitted snapshot.
		before := ok(t, dsn, "service", "stats", "--scope", "U1", "--half", "2026H1").stdout
		ok(t, dsn, "service", "import", "registrations", write(t, "r.csv", "member_code,community_code,registered_on,left_on\nM7,C1,2026-02-01,\n"))
		after := ok(t, dsn, "service", "stats", "--scope", "U1", "--half", "2026H1").stdout
		if before == after || !strings.Contains(after, "U1,1,1,100.00") {
			t.Errorf("stats did not change:\n%s", after)
		}
		s := openDB(t, dsn)
		sub, err := doublereportSubmitted(s, "unit", "U1", "2026H1")
		s.Close()
		if err != nil || sub != before {
			t.Errorf("snapshot %v:\n%s\nwant\n%s", err, sub, before)
		}
		// 26 June 2026 is a Friday: remind on Friday 19 June.
		want := `kind,org_code,due,remind_on,submitted_on,status
street,S1,2026-06-26,2026-06-19,2026-06-27,late
street,S2,2026-06-26,2026-06-19,,missing
unit,B1,2026-06-26,2026-06-19,2026-06-26,on_time
unit,U1,2026-06-26,2026-06-19,2026-06-20,on_time
unit,U2,2026-06-26,2026-06-19,,missing
`
		if r := ok(t, dsn, "service", "dashboard", "--scope", "D", "--half", "2026H1", "--today", "2026-07-10"); r.stdout != want {
			t.Errorf("dashboard:\n%s", r.stdout)
		}
		if r := ok(t, dsn, "service", "dashboard", "--scope", "D", "--half", "2026H1", "--today", "2026-06-26"); !strings.Contains(r.stdout, "street,S2,2026-06-26,2026-06-19,,pending") {
			t.Errorf("dashboard before the due date:\n%s", r.stdout)
		}
	})
}

func doublereportSubmitted(s *store.Store, kind, org, half string) (string, error) {
	sub, err := doublereport.New(s).Submitted(context.Background(), kind, org, half)
	return sub.Snapshot, err
}

func TestServiceLinkage(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		svcDistrict(t, dsn)
		// S1's projects open at the end of 31 July and published by 1 July:
		// N6 (cancelled 1 June, published 2025-12-01). N1, N4 are confirmed,
		// N7 claimed; N2, N3 are wishes.
		r := ok(t, dsn, "service", "linkage", "--street", "S1", "--offer", "--as-of", "2026-07-31")
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		if len(lines) != 2 || !strings.Contains(lines[1], ",unclaimed,N6,,旧项目,false,street,open,2026-07-31,2026-07-31") {
			t.Errorf("linkage:\n%s", r.stdout)
		}
		// Offered once.
		if r := ok(t, dsn, "service", "linkage", "--street", "S1", "--offer", "--as-of", "2026-08-31"); strings.Count(r.stdout, "\n") != 2 {
			t.Errorf("offered twice:\n%s", r.stdout)
		}
		if r := pingyi(dsn, "service", "linkage", "--street", "C1"); r.code != cli.ExitRefused {
			t.Errorf("a community: %v", r)
		}
	})
}
