package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/cli"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// The opinions commands (SPEC §6) on both databases, against figures
// computed by hand from the ledger below, on the 2026 calendar (春节
// 2/15–2/23 off, Saturdays 2/14 and 2/28 worked). Times are Asia/Shanghai.

const voiceOrgs = "code,name,type,domain,parent_code,window_unit\n" +
	"D,某区委,committee,community,,\n" +
	"T1,某镇党委,committee,rural,D,\n" +
	"T2,某街道党工委,committee,community,D,\n" +
	"V1,东村党支部,branch,rural,T1,\n" +
	"V2,西村党支部,branch,rural,T1,\n" +
	"V3,某社区党支部,branch,community,T2,\n"

const ledgerHead = "event_no,ref,event,at,org_code,channel,urgency,category,outcome,rating,content\n"

// ledger1: limits (in working days from the day after receipt, ending at
// 23:59:59): R4 suggestion of 2/12 by 2/26 (2/13, 2/14, 2/24–26), replied
// 2/25 on time, dissatisfied on 2/26 → reopened, replied again 3/3; R1
// consultation of 3/2 by 3/5; R5 extended on 3/5 to 3/10; R6 replied at
// 23:59 of its last day; R3 help received by T1 and routed to V2, by 3/5,
// never replied; R2 complaint by 3/16; R10 praise of 3/3 by 3/10; R7
// urgent by 3/11 08:00; R11 at the root; R9 outside the period.
const ledger1 = ledgerHead +
	"E01,R4,receive,2026-02-12 10:00,V2,visit,,suggestion,,,路灯坏了\n" +
	"E02,R4,accept,2026-02-13 09:00,,,,,,,\n" +
	"E03,R4,reply,2026-02-25 10:00,,,,,partly,,已报修\n" +
	"E04,R4,rate,2026-02-26 09:00,,,,,,不满意,\n" +
	"E05,R1,receive,2026-03-02 09:00,V1,web,normal,consultation,,,咨询低保政策\n" +
	"E06,R1,accept,2026-03-02 10:00,,,,,,,\n" +
	"E07,R5,receive,2026-03-02 09:00,V3,seminar,,consultation,,,座谈会上提出停车难\n" +
	"E08,R6,receive,2026-03-02 09:00,V3,email,,consultation,,,询问养老补贴\n" +
	"E09,R11,receive,2026-03-02 09:00,D,box,,consultation,,,信箱来信\n" +
	"E10,R2,receive,2026-03-02 10:00,V1,hotline,,complaint,,,投诉噪音\n" +
	"E11,R3,receive,2026-03-02 11:00,T1,box,,help,,,求助修路\n" +
	"E12,R5,accept,2026-03-02 10:00,,,,,,,\n" +
	"E13,R6,accept,2026-03-02 10:00,,,,,,,\n" +
	"E14,R2,accept,2026-03-02 11:00,,,,,,,\n" +
	"E15,R3,route,2026-03-02 15:00,V2,,,,,,\n" +
	"E16,R4,reply,2026-03-03 09:00,,,,,resolved,,已修好\n" +
	"E17,R10,receive,2026-03-03 09:00,V1,reception,,praise,,,表扬网格员\n" +
	"E18,R1,reply,2026-03-04 10:00,,,,,resolved,,\n" +
	"E19,R1,rate,2026-03-05 10:00,,,,,,满意,\n" +
	"E20,R5,extend,2026-03-05 10:00,,,,,,,需协调多部门\n" +
	"E21,R8,receive,2026-03-05 09:00,V1,web,,consultation,,,咨询医保\n" +
	"E22,R8,accept,2026-03-05 10:00,,,,,,,\n" +
	"E23,R6,reply,2026-03-05 23:59,,,,,partly,,\n" +
	"E24,R8,reply,2026-03-06 10:00,,,,,resolved,,\n" +
	"E25,R5,reply,2026-03-09 10:00,,,,,unresolved,,资金不足\n" +
	"E26,R5,rate,2026-03-09 12:00,,,,,,basically_satisfied,\n" +
	"E27,R7,receive,2026-03-10 08:00,V1,web,urgent,help,,,独居老人摔倒\n" +
	"E28,R9,receive,2026-04-01 09:00,V1,web,,help,,,四月来信\n"

// ledger2 comes after: R6's first rating, dissatisfied; R10 routed to V3
// after its deadline (the deadline stays); R1 closed.
const ledger2 = ledgerHead +
	"E29,R6,rate,2026-03-11 09:00,,,,,,dissatisfied,\n" +
	"E30,R10,route,2026-03-11 09:00,V3,,,,,,\n" +
	"E31,R1,close,2026-03-11 10:00,,,,,,,\n"

func loadVoice(t *testing.T, dsn string, withCalendar bool) {
	t.Helper()
	ok(t, dsn, "import", "orgs", write(t, "orgs.csv", voiceOrgs))
	if withCalendar {
		ok(t, dsn, "calendar", "import", docsCalendar(t))
	}
	if r := ok(t, dsn, "opinions", "import", write(t, "l1.csv", ledger1)); r.stdout != "opinions: 11 opinions received, 31 events recorded\n" {
		t.Errorf("import 1: %q", r.stdout)
	}
	if r := ok(t, dsn, "opinions", "import", write(t, "l2.csv", ledger2)); r.stdout != "opinions: 0 opinions received, 4 events recorded\n" {
		t.Errorf("import 2: %q", r.stdout)
	}
}

const statsHead = "org_code,received,due,replied,replied_on_time,overdue,resolved,partly,unresolved,rated,dissatisfied,response_rate,resolution_rate,satisfaction_rate\n"

func TestOpinionsStatsByHand(t *testing.T) {
	t.Setenv("PINGYI_TZ", "Asia/Shanghai")
	eachDB(t, func(t *testing.T, dsn string) {
		loadVoice(t, dsn, true)
		// As of 3/10 12:00, scope T1 (T1, V1, V2): later events (file 2) are
		// ignored, R10 is still at V1, R6 (V3) is out of scope.
		// V1: R1, R8 replied on time and resolved, R1 satisfied; R2, R7, R10
		// not due. V2: R3 due and unanswered; R4 on time, latest outcome
		// resolved, its rating dissatisfied.
		r := ok(t, dsn, "opinions", "stats", "--scope", "T1", "--from", "2026-02-01", "--to", "2026-03-31", "--as-of", "2026-03-10 12:00")
		want := statsHead +
			"V1,5,2,2,2,0,2,0,0,1,0,100.00,100.00,100.00\n" +
			"V2,2,2,1,1,1,1,0,0,1,1,50.00,100.00,0.00\n" +
			"TOTAL,7,4,3,3,1,3,0,0,2,1,75.00,100.00,50.00\n"
		if r.stdout != want {
			t.Errorf("T1 as of 3/10 12:00:\n%s\nwant:\n%s", r.stdout, want)
		}
		// As of 3/12 00:00, the whole district. V1: R7 is now due and
		// overdue. V3: R5 on time as extended, unresolved; R6 on time,
		// partly, rated dissatisfied; R10, routed in after its deadline of
		// 3/10, overdue. D: R11 unanswered (no reply: no resolution rate).
		r = ok(t, dsn, "opinions", "stats", "--scope", "D", "--from", "2026-02-01", "--to", "2026-03-31", "--as-of", "2026-03-12 00:00")
		want = statsHead +
			"D,1,1,0,0,1,0,0,0,0,0,0.00,,\n" +
			"V1,4,3,2,2,1,2,0,0,1,0,66.67,100.00,100.00\n" +
			"V2,2,2,1,1,1,1,0,0,1,1,50.00,100.00,0.00\n" +
			"V3,3,3,2,2,1,0,1,1,2,1,66.67,0.00,50.00\n" +
			"TOTAL,10,9,5,5,4,3,1,1,4,2,55.56,60.00,50.00\n"
		if r.stdout != want {
			t.Errorf("D as of 3/12 00:00:\n%s\nwant:\n%s", r.stdout, want)
		}
		// The period is of receipt dates: March only drops R4.
		r = ok(t, dsn, "opinions", "stats", "--scope", "V2", "--from", "2026-03-01", "--to", "2026-03-31", "--as-of", "2026-03-12 00:00")
		if want := statsHead + "V2,1,1,0,0,1,0,0,0,0,0,0.00,,\nTOTAL,1,1,0,0,1,0,0,0,0,0,0.00,,\n"; r.stdout != want {
			t.Errorf("V2 in March:\n%s", r.stdout)
		}
		// Nothing received: the TOTAL row alone.
		r = ok(t, dsn, "opinions", "stats", "--scope", "T2", "--from", "2025-01-01", "--to", "2025-12-31")
		if r.stdout != statsHead+"TOTAL,0,0,0,0,0,0,0,0,0,0,,,\n" {
			t.Errorf("empty: %q", r.stdout)
		}
		// JSON carries the same figures.
		r = ok(t, dsn, "opinions", "stats", "--scope", "T1", "--from", "2026-02-01", "--to", "2026-03-31", "--as-of", "2026-03-10 12:00", "--format", "json")
		var rows []map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || rows[2]["org_code"] != "TOTAL" || rows[2]["response_rate"] != 75.0 || rows[1]["satisfaction_rate"] != 0.0 {
			t.Errorf("json: %s", r.stdout)
		}
		x := filepath.Join(t.TempDir(), "s.xlsx")
		ok(t, dsn, "opinions", "stats", "--scope", "D", "--from", "2026-02-01", "--to", "2026-03-31", "--format", "xlsx", "-o", x)
		if fi, err := os.Stat(x); err != nil || fi.Size() == 0 {
			t.Errorf("xlsx: %v", err)
		}
		// Usage and unknown scope.
		for _, args := range [][]string{
			{"opinions", "stats", "--from", "2026-01-01", "--to", "2026-01-31"},
			{"opinions", "stats", "--scope", "D", "--from", "2026-1-1", "--to", "2026-01-31"},
			{"opinions", "stats", "--scope", "D", "--from", "2026-02-01", "--to", "2026-01-31"},
			{"opinions", "stats", "--scope", "D", "--from", "2026-01-01", "--to", "2026-01-31", "--as-of", "2026-01-31"},
			{"opinions", "stats", "--scope", "D", "--from", "2026-01-01", "--to", "2026-01-31", "--format", "xlsx"},
		} {
			if r := pingyi(dsn, args...); r.code != cli.ExitUsage {
				t.Errorf("%v: %v", args, r)
			}
		}
		if r := pingyi(dsn, "opinions", "stats", "--scope", "NOPE", "--from", "2026-01-01", "--to", "2026-01-31"); r.code != cli.ExitRefused || !strings.Contains(r.stderr, "NOPE") {
			t.Errorf("unknown scope: %v", r)
		}
	})
}

// Without the calendar, R4's five working days end on 2/19 (Monday to
// Friday through 春节): its reply of 2/25 is late.
func TestOpinionsStatsNeedCalendar(t *testing.T) {
	t.Setenv("PINGYI_TZ", "Asia/Shanghai")
	dsn := storetest.SQLiteDSN(t)
	loadVoice(t, dsn, false)
	r := ok(t, dsn, "opinions", "stats", "--scope", "V2", "--from", "2026-02-01", "--to", "2026-03-31", "--as-of", "2026-03-10 12:00")
	if want := statsHead + "V2,2,2,1,0,2,1,0,0,1,1,0.00,100.00,0.00\nTOTAL,2,2,1,0,2,1,0,0,1,1,0.00,100.00,0.00\n"; r.stdout != want {
		t.Errorf("without calendar:\n%s\nwant:\n%s", r.stdout, want)
	}
}

func TestOpinionsImportRefused(t *testing.T) {
	t.Setenv("PINGYI_TZ", "Asia/Shanghai")
	eachDB(t, func(t *testing.T, dsn string) {
		loadVoice(t, dsn, true)
		before := opinionsDump(t, dsn)
		bad := ledgerHead +
			"E01,R4,seen,2026-03-12 09:00,,,,,,,\n" + // 2: event_no already imported
			"E40,R5,extend,2026-03-12 09:00,,,,,,,\n" + // 3: R5 is rated: out of order
			"E41,R1,accept,2026-03-12 09:00,,,,,,,\n" + // 4: R1 is closed
			"E42,R12,receive,2026-03-12 09:00,X9,wechat,,help,,,内容\n" + // 5: org, channel
			"E43,R2,reply,2026-03-12 09:00,,,,,,,\n" + // 6: outcome required
			"E44,R8,seen,2026-03-01 09:00,,,,,,,\n" + // 7: before R8's last event
			"E45,R2,extend,2026/03/12 09:00,,,,,,,\n" + // 8: at
			"E46,R99,accept,2026-03-12 09:00,,,,,,,\n" + // 9: unknown ref
			"E46,R2,extend,2026-03-12 09:00,,,,,,,\n" + // 10: event_no repeated
			"E47,R3,accept,2026-03-12 09:00,,,,,,满意,\n" + // 11: rating on an accept
			"E48,R8,rate,2026-03-12 09:00,,,,,,比较满意,\n" + // 12: not on the 3-level scale
			"E49,R13,receive,2026-03-12 09:00,V1,web,,help,,,\n" + // 13: content required
			"E50,R7,close,2026-03-12 09:00,,,,,,,\n" // 14: never closed unseen
		r := refused(t, dsn, []string{
			"line 2, column event_no", "line 3, column event", "line 4, column event", "line 5, column org_code",
			"line 5, column channel", "line 6, column outcome", "line 7, column at", "line 8, column at", "line 9, column ref",
			"line 10, column event_no", "line 11, column rating", "line 12, column rating", "line 13, column content", "line 14, column event",
		}, "opinions", "import", write(t, "bad.csv", bad))
		if n := strings.Count(r.stderr, "\nline ") + 1; n != 14 {
			t.Errorf("%d errors named:\n%s", n, r.stderr)
		}
		if opinionsDump(t, dsn) != before {
			t.Error("a refused import changed the opinions")
		}
		// A second extend is refused; the first (a fresh opinion) is not.
		r = pingyi(dsn, "opinions", "import", write(t, "x.csv", ledgerHead+
			"E60,R20,receive,2026-03-12 09:00,V1,web,,complaint,,,内容\n"+
			"E61,R20,accept,2026-03-12 10:00,,,,,,,\n"+
			"E62,R20,extend,2026-03-13 10:00,,,,,,,\n"+
			"E63,R20,extend,2026-03-14 10:00,,,,,,,\n"))
		if r.code != cli.ExitRefused || !hasLineStarting(r.stderr, "line 5, column event: a second extend") || strings.Contains(r.stderr, "line 4") {
			t.Errorf("second extend: %v", r)
		}
		if r := pingyi(dsn, "opinions", "import", write(t, "h.csv", "event_no,ref,event,at\nE1,R1,seen,2026-03-12 09:00\n")); r.code != cli.ExitRefused || !hasLineStarting(r.stderr, "line 1, column org_code") {
			t.Errorf("short header: %v", r)
		}
	})
}

// opinionsDump is every opinion row and ledger event, for comparing.
func opinionsDump(t *testing.T, dsn string) string {
	t.Helper()
	s := openDB(t, dsn)
	defer s.Close()
	var b strings.Builder
	for _, q := range []string{
		`SELECT ref || '|' || state || '|' || reply_by || '|' || first_reply_at || '|' || events FROM opinions ORDER BY ref`,
		`SELECT CAST(opinion_id AS TEXT) || '|' || CAST(seq AS TEXT) || '|' || event || '|' || at FROM opinion_events ORDER BY opinion_id, seq`,
		`SELECT CAST(COUNT(*) AS TEXT) FROM audit_log`,
	} {
		rows, err := s.DB.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var line string
			rows.Scan(&line)
			b.WriteString(line + "\n")
		}
		rows.Close()
	}
	return b.String()
}
