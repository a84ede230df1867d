package doublereport_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/pingyi/pingyi/internal/doublereport"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

const regsCSV = `member_code,community_code,registered_on,left_on,grid,skills
M1,C1,2026-01-05,,一网格,医疗
M2,C1,2026-02-01,2026-05-01,,
M2,C3,2026-05-01,,,
M3,C2,2026-03-01,,,
`

func TestRegistrationsImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		d := seed(t, s)
		sum, err := d.ImportRegistrations(ctx, "regs.csv", false, rows(t, regsCSV), store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Created != 4 {
			t.Errorf("summary %v", sum)
		}
		before := count(t, s, `SELECT COUNT(*) FROM dr_registrations`)
		audits := count(t, s, `SELECT COUNT(*) FROM audit_log`)
		// Every bad cell named, nothing written.
		_, err = d.ImportRegistrations(ctx, "bad.csv", false, rows(t, `member_code,community_code,registered_on,left_on
M4,C1,2026-01-01,,
M5,S1,2026-01-01,,
M5,C9,2026-01-01,,
MX,C1,2026-01-01,,
M1,C2,2026-04-01,,
M3,C2,2026-01-01,2026-03-02,
M5,C1,2026-02-30,,
M5,C1,2026-03-01,2026-03-01,
M6,C1,2026-01-01,2026-06-01,
M6,C2,2026-05-31,,
`), store.CLI)
		refusedAt(t, err,
			"line 2, column member_code",    // farming
			"line 3, column community_code", // a street
			"line 4, column community_code", // unknown
			"line 5, column member_code",    // unknown member
			"line 6, column registered_on",  // overlaps M1's open one from 2026-01-05
			"line 7, column registered_on",  // ends 2026-03-02, M3's begins 2026-03-01
			"line 8, column registered_on",  // 30 February
			"line 9, column left_on",        // not after
			"line 10, column registered_on", // M6 overlap within the file (both lines)
			"line 11, column registered_on",
		)
		if n := count(t, s, `SELECT COUNT(*) FROM dr_registrations`); n != before {
			t.Errorf("refused import wrote: %d → %d", before, n)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM audit_log`); n != audits {
			t.Error("refused import audited")
		}
		// Ending one registration the day another begins is no overlap; a
		// row with a stored member and registered_on replaces it.
		sum, err = d.ImportRegistrations(ctx, "more.csv", false, rows(t, `member_code,community_code,registered_on,left_on,grid,skills
M3,C2,2026-01-01,2026-03-01,,
M1,C1,2026-01-05,2026-06-01,二网格,医疗
M2,C1,2026-02-01,2026-05-01,,
`), store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		if sum != (doublereport.Summary{Created: 1, Updated: 1, Unchanged: 1}) {
			t.Errorf("summary %v", sum)
		}
		var left, grid string
		s.R().QueryRow(ctx, `SELECT left_on, grid FROM dr_registrations r JOIN members m ON m.id = r.member_id WHERE m.code = 'M1'`).Scan(&left, &grid)
		if left != "2026-06-01" || grid != "二网格" {
			t.Errorf("M1 replaced: %q %q", left, grid)
		}
		// Units register likewise.
		if _, err := d.ImportRegistrations(ctx, "units.csv", true, rows(t, "org_code,community_code,registered_on,left_on\nU2,C1,2026-01-01,\nB1,C2,2026-01-01,\n"), store.CLI); err != nil {
			t.Fatal(err)
		}
		_, err = d.ImportRegistrations(ctx, "units.csv", true, rows(t, "org_code,community_code,registered_on,left_on\nU2,C2,2026-02-01,\nZZ,C2,2026-01-01,\n"), store.CLI)
		refusedAt(t, err, "line 2, column registered_on", "line 3, column org_code")
		if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE entity IN ('dr_registration', 'dr_unit_registration') AND action = 'import'`); n != 3 {
			t.Errorf("audit entries %d", n)
		}
	})
}

const needsCSV = `code,community_code,kind,title,published_on,wish_type,beneficiary
N1,C1,project,义诊,2026-01-10,,
N2,C1,wish,一台轮椅,2026-01-15,material,李奶奶
N3,C1,wish,陪伴聊天,2026-02-01,spiritual,王爷爷
N4,C2,project,清扫楼道,2026-03-01,,
N5,C3,project,法律咨询,2026-04-01,,
`

func TestNeedsImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		d := seed(t, s)
		if _, err := d.ImportNeeds(ctx, "needs.csv", rows(t, needsCSV), store.CLI); err != nil {
			t.Fatal(err)
		}
		_, err := d.ImportNeeds(ctx, "bad.csv", rows(t, `code,community_code,kind,title,published_on,wish_type,beneficiary
N9,C1,wish,书包,2026-01-10,,
N10,C1,project,义诊,2026-01-10,material,
N11,S1,project,义诊,2026-01-10,,
N12,C1,service,义诊,2026-01-10,,
N13,C1,project,,2026-01-10,,
N14,C1,project,义诊,2026/01/10,,
N14,C1,project,义诊,2026-01-10,,
`), store.CLI)
		refusedAt(t, err, "line 2, column wish_type", "line 3, column wish_type", "line 4, column community_code",
			"line 5, column kind", "line 6, column title", "line 7, column published_on", "line 8, column code")
		if n := count(t, s, `SELECT COUNT(*) FROM dr_needs`); n != 5 {
			t.Errorf("needs %d", n)
		}
		d.ImportRegistrations(ctx, "r.csv", false, rows(t, regsCSV), store.CLI)
		if _, err := d.ImportEvents(ctx, "e.csv", rows(t, "event_no,need_code,event,on,member_code,org_code,hours,rating\nE1,N2,claim,2026-02-01,M1,,,\n"), store.CLI); err != nil {
			t.Fatal(err)
		}
		// N2 has events: title and beneficiary may change, nothing else.
		sum, err := d.ImportNeeds(ctx, "n.csv", rows(t, "code,community_code,kind,title,published_on,wish_type,beneficiary\nN2,C1,wish,两台轮椅,2026-01-15,material,李奶奶家\nN3,C2,wish,陪伴,2026-02-02,spiritual,\n"), store.CLI)
		if err != nil || sum.Updated != 2 {
			t.Fatalf("%v %v", sum, err)
		}
		_, err = d.ImportNeeds(ctx, "n.csv", rows(t, "code,community_code,kind,title,published_on,wish_type,beneficiary\nN2,C2,wish,轮椅,2026-01-16,spiritual,\n"), store.CLI)
		refusedAt(t, err, "line 2, column community_code", "line 2, column published_on", "line 2, column wish_type")
		n, _ := d.NeedByCode(ctx, "N2")
		if n.Title != "两台轮椅" || n.Beneficiary != "李奶奶家" || n.State != rules.NeedClaimed {
			t.Errorf("N2 %+v", n)
		}
	})
}

func TestEventsImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		d := seed(t, s)
		d.ImportRegistrations(ctx, "r.csv", false, rows(t, regsCSV), store.CLI)
		d.ImportRegistrations(ctx, "u.csv", true, rows(t, "org_code,community_code,registered_on,left_on\nU2,C2,2026-01-01,\n"), store.CLI)
		d.ImportNeeds(ctx, "n.csv", rows(t, needsCSV), store.CLI)
		good := `event_no,need_code,event,on,member_code,org_code,hours,rating
E1,N1,claim,2026-01-10,M1,,,
E2,N1,complete,2026-01-12,M1,,2.5,
E3,N1,confirm,2026-01-13,,,,满意
E4,N2,claim,2026-02-01,M2,,,
E5,N2,cancel,2026-02-02,M2,,,
E6,N2,claim,2026-02-02,M1,,,
E7,N4,claim,2026-03-05,,U2,,
E8,N4,complete,2026-03-06,,U2,0,
E9,N4,confirm,2026-03-07,,,,不满意
`
		n, err := d.ImportEvents(ctx, "e.csv", rows(t, good), store.CLI)
		if err != nil || n != 9 {
			t.Fatalf("%d %v", n, err)
		}
		for code, want := range map[string]rules.NeedState{"N1": rules.NeedConfirmed, "N2": rules.NeedClaimed, "N3": rules.NeedOpen, "N4": rules.NeedConfirmed} {
			nd, _ := d.NeedByCode(ctx, code)
			if nd.State != want {
				t.Errorf("%s is %s, want %s", code, nd.State, want)
			}
		}
		n2, _ := d.NeedByCode(ctx, "N2")
		if n2.ClaimerCode != "M1" || n2.Events != 3 || n2.LastOn != "2026-02-02" {
			t.Errorf("N2 %+v", n2)
		}
		evs, _ := d.NeedEvents(ctx, n2.ID)
		if len(evs) != 3 || evs[1].Event != rules.EventCancel || evs[1].MemberID == 0 || evs[2].Seq != 3 {
			t.Errorf("N2 ledger %+v", evs)
		}
		n1, _ := d.NeedByCode(ctx, "N1")
		evs, _ = d.NeedEvents(ctx, n1.ID)
		if evs[1].Hours != 250 || evs[2].Rating != pingyi.Satisfied || evs[2].MemberID != evs[0].MemberID {
			t.Errorf("N1 ledger %+v", evs)
		}
		before := storetest.Dump(t, s)
		beforeEvents := count(t, s, `SELECT COUNT(*) FROM dr_events`)
		_, err = d.ImportEvents(ctx, "bad.csv", rows(t, `event_no,need_code,event,on,member_code,org_code,hours,rating
E1,N3,claim,2026-02-05,M1,,,
F2,N3,claim,2026-02-05,M3,,,
F3,N3,claim,2026-01-31,M1,,,
F4,N2,claim,2026-02-05,M3,,,
F5,N2,complete,2026-02-01,M1,,1,
F6,N2,complete,2026-02-05,M2,,1,
F7,N2,complete,2026-02-05,M1,,0,
F8,N5,claim,2026-04-02,M1,U2,,
F9,N5,claim,2026-04-02,M2,,,
F10,N5,complete,2026-04-03,M2,,1,
F11,N5,confirm,2026-04-03,,,,比较满意
F12,NX,claim,2026-04-03,M2,,,
F12,N3,frob,2026-04-03,M2,,,
F13,N5,claim,2026-04-31,M2,,,
`), store.CLI)
		refusedAt(t, err,
			"line 2, column event_no",     // E1 already in the ledger
			"line 3, column member_code",  // M3 is registered with C2, not C1
			"line 4, column on",           // before N3 was published
			"line 5, column event",        // N2 is claimed
			"line 6, column on",           // before N2's last event
			"line 7, column member_code",  // M2 is not the claimer
			"line 8, column hours",        // a member's hours > 0
			"line 9, column member_code",  // both member and org
			"line 10, column member_code", // on 2 April M2 is registered with C1, N5 is in C3
			"line 11, column event",       // so N5 is still open: no complete
			"line 12, column rating",      // 4-level rating on the 3-level scale
			"line 13, column need_code",   // unknown need
			"line 14, column event_no",    // duplicate in the file
			"line 14, column event",       // unknown event
			"line 15, column on",          // 31 April
		)
		if after := storetest.Dump(t, s); after != before {
			t.Error("a refused events import changed the database")
		}
		if count(t, s, `SELECT COUNT(*) FROM dr_events`) != beforeEvents {
			t.Error("events written")
		}
	})
}

// Claims from pages: refused for someone not registered with the need's
// community that day; several people claiming one need at the same moment:
// exactly one wins, the others get ErrTaken and nothing of theirs is
// written.
func TestClaimRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		d := seed(t, s)
		d.ImportRegistrations(ctx, "r.csv", false, rows(t, `member_code,community_code,registered_on,left_on
M1,C1,2026-01-01,,
M2,C1,2026-01-01,,
M3,C1,2026-01-01,,
M5,C1,2026-01-01,,
M6,C2,2026-01-01,,
`), store.CLI)
		const needs = 6
		var csv = "code,community_code,kind,title,published_on,wish_type,beneficiary\n"
		for i := 0; i < needs; i++ {
			csv += "R" + string(rune('0'+i)) + ",C1,project,项目,2026-01-01,,\n"
		}
		if _, err := d.ImportNeeds(ctx, "n.csv", rows(t, csv), store.CLI); err != nil {
			t.Fatal(err)
		}
		// Not registered with C1 (M6 is with C2; M4 is not in service).
		for _, m := range []string{"M6", "M4"} {
			_, err := d.Apply(ctx, "R0", doublereport.Step{Event: rules.EventClaim, On: "2026-02-01", MemberCode: m}, store.CLI)
			if !errors.Is(err, doublereport.ErrNotRegistered) || !errors.Is(err, pingyi.ErrForbidden) {
				t.Errorf("%s claims: %v", m, err)
			}
		}
		// Registered, but not yet on that day.
		if _, err := d.Apply(ctx, "R0", doublereport.Step{Event: rules.EventClaim, On: "2025-12-31", MemberCode: "M1"}, store.CLI); err == nil {
			t.Error("claim before the need was published accepted")
		}
		claimers := []string{"M1", "M2", "M3", "M5"}
		for i := 0; i < needs; i++ {
			code := "R" + string(rune('0'+i))
			start := make(chan struct{})
			var wg sync.WaitGroup
			errs := make([]error, len(claimers))
			for j, m := range claimers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[j] = d.Apply(ctx, code, doublereport.Step{Event: rules.EventClaim, On: "2026-02-01", MemberCode: m}, store.Actor{Username: m})
				}()
			}
			close(start)
			wg.Wait()
			won := 0
			for j, err := range errs {
				switch {
				case err == nil:
					won++
				case errors.Is(err, doublereport.ErrTaken):
				default:
					t.Errorf("%s by %s: %v", code, claimers[j], err)
				}
			}
			if won != 1 {
				t.Errorf("%s: %d winners", code, won)
			}
			nd, _ := d.NeedByCode(ctx, code)
			if nd.State != rules.NeedClaimed || nd.Events != 1 {
				t.Errorf("%s: %+v", code, nd)
			}
		}
		if n := count(t, s, `SELECT COUNT(*) FROM dr_events`); n != needs {
			t.Errorf("%d events for %d needs", n, needs)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE entity = 'dr_need' AND action = 'claim'`); n != needs {
			t.Errorf("%d claims audited", n)
		}
		// The winner completes, the community confirms; out of order refused.
		nd, _ := d.NeedByCode(ctx, "R0")
		if _, err := d.Apply(ctx, "R0", doublereport.Step{Event: rules.EventConfirm, On: "2026-02-02", Rating: pingyi.Satisfied}, store.CLI); !errors.Is(err, pingyi.ErrInvalid) {
			t.Errorf("confirm of a claimed need: %v", err)
		}
		other := "M1"
		if nd.ClaimerCode == "M1" {
			other = "M2"
		}
		if _, err := d.Apply(ctx, "R0", doublereport.Step{Event: rules.EventComplete, On: "2026-02-02", MemberCode: other, Hours: 100}, store.CLI); !errors.Is(err, pingyi.ErrForbidden) {
			t.Errorf("complete by another: %v", err)
		}
		if _, err := d.Apply(ctx, "R0", doublereport.Step{Event: rules.EventComplete, On: "2026-02-02", MemberCode: nd.ClaimerCode, Hours: 150, Note: "done"}, store.CLI); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Apply(ctx, "R0", doublereport.Step{Event: rules.EventConfirm, On: "2026-02-03", Rating: pingyi.FairlySatisfied}, store.CLI); !errors.Is(err, pingyi.ErrInvalid) {
			t.Errorf("4-level rating: %v", err)
		}
		if _, err := d.Apply(ctx, "R0", doublereport.Step{Event: rules.EventConfirm, On: "2026-02-03", Rating: pingyi.BasicallySatisfied}, store.CLI); err != nil {
			t.Fatal(err)
		}
		nd, _ = d.NeedByCode(ctx, "R0")
		if nd.State != rules.NeedConfirmed || nd.Events != 3 {
			t.Errorf("R0 %+v", nd)
		}
	})
}
