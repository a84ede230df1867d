package appraisal_test

// The import contract of SPEC §6, on SQLite and PostgreSQL: a table of good
// and bad files (every refusal reason, named by line and column), atomicity
// (a refused file leaves every table as it was, compared by a dump),
// re-import updates (names, parents with the materialized paths of whole
// subtrees, categories, secretaries), and the files an adversarial tester
// writes (BOM, CRLF, quoted fields, blank lines, Chinese text, parents after
// children, deep trees).

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/appraisal/appraisaltest"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// The import helpers are storetest's (imports.go).
var (
	readCSV       = storetest.ReadCSV
	importOrgs    = storetest.ImportOrgsCSV
	importMembers = storetest.ImportMembersCSV
	okOrgs        = storetest.OkOrgs
	okMembers     = storetest.OkMembers
	errPlaces     = storetest.ErrPlaces
	diff          = storetest.Diff
	loadBase      = storetest.LoadBase
)

const (
	orgHeader    = storetest.OrgHeader
	baseOrgs     = storetest.BaseOrgs
	memberHeader = storetest.MemberHeader
	baseMembers  = storetest.BaseMembers
)

// ---------------------------------------------------------------------------
// Reading files the way the command line does.

func importBallots(s *store.Store, campaign, content string) (int, error) {
	t, err := readCSV(content, "ballots.csv", appraisal.BallotColumns, nil, false)
	if err != nil {
		return 0, err
	}
	c, err := appraisal.New(s).Campaign(context.Background(), campaign)
	if err != nil {
		return 0, err
	}
	rows := make([]appraisal.BallotRow, 0, len(t.Rows))
	for _, r := range t.Rows {
		rows = append(rows, appraisal.BallotRow{Line: r.Line, BallotNo: r.Get("ballot_no"), EvaluatorCategory: r.Get("evaluator_category"),
			TargetType: r.Get("target_type"), TargetCode: r.Get("target_code"), Rating: r.Get("rating")})
	}
	return appraisal.New(s).ImportBallots(context.Background(), c, rows, store.CLI)
}

func okBallots(t *testing.T, s *store.Store, campaign, file string) int {
	t.Helper()
	n, err := importBallots(s, campaign, file)
	if err != nil {
		t.Fatalf("ballots refused:\n%v", err)
	}
	return n
}

// ---------------------------------------------------------------------------
// Dumps.

// dump is storetest.Dump: a refused import must leave it byte for byte
// as it was.
func dump(t testing.TB, s *store.Store) string { return storetest.Dump(t, s) }

// state is the database by codes (no IDs, no times): two databases loaded
// from the same data, in any order and any format, give the same state.
func state(t testing.TB, s *store.Store) string { return appraisaltest.State(t, s) }

// ---------------------------------------------------------------------------
// Fixtures.

const ballotHeader = "ballot_no,evaluator_category,target_type,target_code,rating\n"

func createCampaign(t *testing.T, s *store.Store, code, scope string, scale int) *pingyi.Campaign {
	t.Helper()
	c := &pingyi.Campaign{Code: code, Name: "评议 " + code, ScopeCode: scope, Kind: pingyi.KindMass, Scale: pingyi.Scale(scale), Year: 2026}
	if err := appraisal.New(s).CreateCampaign(context.Background(), c, store.CLI); err != nil {
		t.Fatal(err)
	}
	return c
}

// ---------------------------------------------------------------------------
// Refusals: each reason, where it is named, and nothing changed.

type refusal struct {
	name  string
	kind  string // orgs, members, ballots
	file  string
	scale int // ballots: the campaign's scale (3 by default)
	want  []string
}

func TestImportBallotRefusals(t *testing.T) {
	cases := []refusal{
		// --- ballots (campaign K over C1: targets G1, B1, B2 and their
		// secretaries and members; C1 itself and C2 are outside)
		{name: "target outside the campaign", kind: "ballots", file: ballotHeader +
			"1,mass_rep,org,C1,满意\n2,mass_rep,org,C2,满意\n3,mass_rep,member,M404,满意\n4,mass_rep,secretary,G1,满意\n",
			want: []string{"line 2, column target_code", "line 3, column target_code", "line 4, column target_code", "line 5, column target_code"}},
		{name: "two ratings of one target", kind: "ballots", file: ballotHeader +
			"1,mass_rep,org,B1,满意\n1,mass_rep,member,M1,满意\n1,mass_rep,org,B1,不满意\n",
			want: []string{"line 4, column target_code"}},
		{name: "ballot spanning two units", kind: "ballots", file: ballotHeader +
			"1,mass_rep,org,B1,满意\n1,mass_rep,member,M3,满意\n",
			want: []string{"line 3, column target_code"}},
		{name: "rating not on the 3-level scale", kind: "ballots", file: ballotHeader +
			"1,mass_rep,org,B1,比较满意\n2,mass_rep,org,B1,fairly_satisfied\n",
			want: []string{"line 2, column rating", "line 3, column rating"}},
		{name: "unknown rating", kind: "ballots", file: ballotHeader + "1,mass_rep,org,B1,很好\n2,mass_rep,org,B1,\n",
			want: []string{"line 2, column rating", "line 3, column rating"}},
		{name: "unknown evaluator category", kind: "ballots", file: ballotHeader + "1,villager,org,B1,满意\n",
			want: []string{"line 2, column evaluator_category"}},
		{name: "two categories on one ballot", kind: "ballots", file: ballotHeader + "1,mass_rep,org,B1,满意\n1,party_member,member,M1,满意\n",
			want: []string{"line 3, column evaluator_category"}},
		{name: "unknown target type", kind: "ballots", file: ballotHeader + "1,mass_rep,branch,B1,满意\n",
			want: []string{"line 2, column target_type"}},
		{name: "empty ballot number", kind: "ballots", file: ballotHeader + ",mass_rep,org,B1,满意\n",
			want: []string{"line 2, column ballot_no"}},
		{name: "ballot number already imported", kind: "ballots", file: ballotHeader + "7,mass_rep,org,B1,满意\n100,mass_rep,org,B2,满意\n",
			want: []string{"line 2, column ballot_no"}},
		{name: "NUL in a ballot number", kind: "ballots", file: ballotHeader + "1\x00,mass_rep,org,B1,满意\n",
			want: []string{"line 2, column ballot_no"}},
		{name: "missing header column", kind: "ballots", file: "ballot_no,evaluator_category,target_type,target_code\n1,mass_rep,org,B1\n",
			want: []string{"line 1, column rating"}},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadBase(t, s)
		createCampaign(t, s, "K", "C1", 3)
		// Ballot 7 is already in K.
		okBallots(t, s, "K", ballotHeader+"7,party_member,org,G1,满意\n")
		for _, tc := range cases {
			t.Run(tc.kind+"/"+tc.name, func(t *testing.T) {
				before := dump(t, s)
				var err error
				switch tc.kind {
				case "ballots":
					_, err = importBallots(s, "K", tc.file)
				}
				if err == nil {
					t.Fatalf("accepted; want refused at %v", tc.want)
				}
				if got := errPlaces(t, err); !slices.Equal(got, tc.want) {
					t.Errorf("refused at\n  %v\nwant\n  %v\nerror:\n%v", got, tc.want, err)
				}
				if after := dump(t, s); after != before {
					t.Errorf("a refused import changed the database:\n%s", diff(before, after))
				}
			})
		}
	})
}

// ---------------------------------------------------------------------------
// Good files.

// ---------------------------------------------------------------------------
// Ballots.

func TestImportBallotsGood(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadBase(t, s)
		createCampaign(t, s, "K3", "C1", 3)
		createCampaign(t, s, "K4", "C1", 4)
		// Ratings in both languages, abstentions, a ballot whose rows are
		// not adjacent, CRLF and a BOM.
		file := "\uFEFF" + strings.ReplaceAll(ballotHeader+
			"1,mass_rep,org,B1,满意\n"+
			"1,mass_rep,secretary,B1,基本满意\n"+
			"2,party_member,org,B2,satisfied\n"+
			"1,mass_rep,member,M1,不满意\n"+
			"1,mass_rep,member,M2,弃权\n"+
			"2,party_member,member,M3,dissatisfied\n"+
			"3,service_object,org,G1,abstain\n"+
			"\n", "\n", "\r\n")
		n := okBallots(t, s, "K3", file)
		if n != 3 {
			t.Errorf("%d ballots, want 3", n)
		}
		var b strings.Builder
		b.WriteString(ballotHeader)
		b.WriteString("A-1,mass_rep,org,B1,比较满意\nA-1,mass_rep,member,M2,fairly_satisfied\nA-2,two_reps,org,B1,基本满意\n")
		n = okBallots(t, s, "K4", b.String())
		if n != 2 {
			t.Errorf("%d ballots, want 2", n)
		}
		// The same ballot number may be used in another campaign, not twice
		// in one.
		okBallots(t, s, "K4", ballotHeader+"1,mass_rep,org,B2,满意\n")

		st := state(t, s)
		for _, want := range []string{
			"K3|org|B1|东村党支部|B1|1|0|0|0|0",
			"K3|secretary|B1|张三|B1|0|0|1|0|0",
			"K3|member|M1|张三|B1|0|0|0|1|0",
			"K3|member|M2|李四|B1|0|0|0|0|1",
			"K3|org|B2|西村党支部|B2|1|0|0|0|0",
			"K3|member|M3|王五|B2|0|0|0|1|0",
			"K3|org|G1|第一党总支|G1|0|0|0|0|1",
			"K4|org|B1|东村党支部|B1|0|1|1|0|0",
			"K4|member|M2|李四|B1|0|1|0|0|0",
			"K4|org|B2|西村党支部|B2|1|0|0|0|0",
			"K3|B1|mass_rep|1",
			"K3|B2|party_member|1",
			"K3|G1|service_object|1",
			"K4|B1|mass_rep|1",
			"K4|B1|two_reps|1",
			"K4|B2|mass_rep|1",
			"K3|1|mass_rep|B1|member|M2|abstain",
			"K4|A-1|mass_rep|B1|member|M2|fairly_satisfied",
		} {
			if !strings.Contains(st, want+"\n") {
				t.Errorf("state lacks %q", want)
			}
		}
		// A ballot holds no link to any code or person, and is kept no
		// finer than the day.
		var day, source string
		if err := s.DB.QueryRow(`SELECT day, source FROM ballots WHERE ballot_no = 'A-2'`).Scan(&day, &source); err != nil {
			t.Fatal(err)
		}
		if len(day) != len("2006-01-02") || source != "paper" {
			t.Errorf("ballot day %q source %q", day, source)
		}
	})
}

// TestImportBallotsCampaignTargets: a campaign that does not appraise
// members refuses ratings of members; one created before a member existed
// refuses ratings of that member.
func TestImportBallotsCampaignTargets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadBase(t, s)
		c := &pingyi.Campaign{Code: "KO", Name: "orgs only", ScopeCode: "C1", Kind: pingyi.KindMass, Year: 2026,
			TargetTypes: []pingyi.TargetType{pingyi.TargetOrg}}
		if err := appraisal.New(s).CreateCampaign(context.Background(), c, store.CLI); err != nil {
			t.Fatal(err)
		}
		okMembers(t, s, memberHeader+"M9,新人,B1,farming,false\n")
		createCampaign(t, s, "KG", "G1", 3) // G1's subtree: B1 only
		for _, tc := range []struct {
			campaign, file string
			want           []string
		}{
			{"KO", ballotHeader + "1,mass_rep,org,B1,满意\n1,mass_rep,member,M1,满意\n1,mass_rep,secretary,B1,满意\n",
				[]string{"line 3, column target_code", "line 4, column target_code"}},
			{"KG", ballotHeader + "1,mass_rep,org,G1,满意\n2,mass_rep,org,B2,满意\n",
				[]string{"line 2, column target_code", "line 3, column target_code"}},
		} {
			before := dump(t, s)
			_, err := importBallots(s, tc.campaign, tc.file)
			if got := errPlaces(t, err); !slices.Equal(got, tc.want) {
				t.Errorf("%s: refused at %v, want %v", tc.campaign, got, tc.want)
			}
			if dump(t, s) != before {
				t.Errorf("%s: refused import changed the database", tc.campaign)
			}
		}
		// M9 joined before KG was created: KG appraises it.
		okBallots(t, s, "KG", ballotHeader+"1,mass_rep,member,M9,满意\n")
	})
}

// The campaign snapshot: the targets of the tree below the scope, with
// IDs unique and never given again by the ID generator.
func TestCreateCampaignSnapshot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadBase(t, s)
		okMembers(t, s, bigMembers(1300, ""))
		c := createCampaign(t, s, "S1", "C1", 3)
		count := func(q string, args ...any) int {
			var n int
			if err := s.DB.QueryRow(s.Rebind(q), args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// Below C1: G1, B1, B2; secretaries M1 (B1), M4 (B2); members of
		// B1 and B2 (M1–M4 and the X rows on B1 and B2).
		wantMembers := 4 + 2*1300/3 + 1
		for typ, want := range map[string]int{"org": 3, "secretary": 2, "member": wantMembers} {
			if got := count(`SELECT COUNT(*) FROM targets WHERE campaign_id = ? AND type = ?`, c.ID, typ); got != want {
				t.Errorf("%d %s targets, want %d", got, typ, want)
			}
		}
		if n := count(`SELECT COUNT(*) FROM targets t JOIN orgs o ON o.id = t.unit_org_id JOIN members m ON m.code = t.code
			WHERE t.campaign_id = ? AND t.type = 'member' AND (m.org_id <> t.unit_org_id OR m.name <> t.name OR o.domain <> t.domain)`, c.ID); n != 0 {
			t.Errorf("%d member targets differ from their members", n)
		}
		if n := count(`SELECT COUNT(*) FROM targets t JOIN members m ON m.name = t.name AND m.is_secretary = 1 JOIN orgs o ON o.id = m.org_id AND o.code = t.code
			WHERE t.campaign_id = ? AND t.type = 'secretary'`, c.ID); n != 2 {
			t.Errorf("%d secretary targets name their secretaries, want 2", n)
		}
		// Another campaign right after, and rows made with NewID: no
		// ID given twice.
		createCampaign(t, s, "S2", "C1", 3)
		okMembers(t, s, bigMembers(1400, ""))
		if n := count(`SELECT COUNT(*) - COUNT(DISTINCT id) FROM (SELECT id FROM targets UNION ALL SELECT id FROM members UNION ALL SELECT id FROM audit_log) x`); n != 0 {
			t.Errorf("%d IDs given twice", n)
		}
		if n := count(`SELECT COUNT(*) FROM targets t JOIN targets u ON u.id = t.id AND u.campaign_id <> t.campaign_id`); n != 0 {
			t.Errorf("%d target IDs shared by campaigns", n)
		}
	})
}

// bigMembers is a member file of n members over B1, B2 and C2 (names tagged).
func bigMembers(n int, tag string) string {
	var b strings.Builder
	b.WriteString("code,name,org_code,category,is_secretary,phone,birth_year\n")
	orgs := []string{"B1", "B2", "C2"}
	for i := range n {
		fmt.Fprintf(&b, "X%05d,党员%s%05d,%s,farming,false,1380013%04d,%d\n", i, tag, i, orgs[i%3], i%10000, 1950+i%50)
	}
	return b.String()
}
