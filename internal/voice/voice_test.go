package voice_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/voice"
)

var cst = time.FixedZone("CST", 8*3600)

func newVoice(t *testing.T, s *store.Store) *voice.Voice {
	t.Helper()
	storetest.SeedTree(t, s)
	return &voice.Voice{S: s, Loc: cst}
}

func auditCount(t *testing.T, s *store.Store, ref string) int {
	t.Helper()
	log, err := s.AuditLog(context.Background(), "opinion", ref, 100)
	if err != nil {
		t.Fatal(err)
	}
	return len(log)
}

func TestReceiveAnonymous(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		v := newVoice(t, s)
		now := time.Date(2026, 3, 2, 15, 37, 12, 0, cst)
		rc, err := v.Receive(ctx, voice.NewOpinion{Channel: "web", Category: "help", Urgency: "urgent", Content: "路灯不亮", OrgCode: "V1"}, now, store.Actor{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rc.Ref) != 10 || !strings.HasPrefix(rc.Ref, "YJ") || len(rc.Token) < 30 {
			t.Errorf("receipt %+v", rc)
		}
		// Nothing finer than the day, no contact, no audit entry with a time.
		var at, recv, name, phone, email, hash string
		var dayOnly int
		var id int64
		if err := s.R().QueryRow(ctx, `SELECT id, received_at, day_only, contact_name, contact_phone, contact_email, token_hash FROM opinions WHERE ref = ?`, rc.Ref).
			Scan(&id, &recv, &dayOnly, &name, &phone, &email, &hash); err != nil {
			t.Fatal(err)
		}
		if err := s.R().QueryRow(ctx, `SELECT at FROM opinion_events WHERE opinion_id = ?`, id).Scan(&at); err != nil {
			t.Fatal(err)
		}
		if recv != "2026-03-01T16:00:00Z" || at != recv || dayOnly != 1 || name+phone+email != "" {
			t.Errorf("anonymous row: received %s, event at %s, day_only %d, contact %q", recv, at, dayOnly, name+phone+email)
		}
		if hash == rc.Token || hash != voice.HashToken(rc.Token) {
			t.Error("the token is stored in clear")
		}
		if n := auditCount(t, s, rc.Ref); n != 0 {
			t.Errorf("%d audit entries for an anonymous receipt", n)
		}
		// The id is random: not a time-ordered store.NewID of this moment.
		if hi := store.NewID(); id>>21 == hi>>21 {
			t.Error("the id carries the time")
		}
		ref, err := v.RefByToken(ctx, rc.Token)
		if err != nil || ref != rc.Ref {
			t.Errorf("RefByToken: %q %v", ref, err)
		}
		if _, err := v.RefByToken(ctx, "nope"); !errors.Is(err, voice.ErrNotFound) {
			t.Errorf("unknown token: %v", err)
		}
		// Urgent limits of a day-only receipt count from the end of the day.
		d, err := v.Opinion(ctx, rc.Ref)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Fold.ReplyBy.In(cst).Format("2006-01-02 15:04"); got != "2026-03-04 00:00" {
			t.Errorf("urgent reply by %s", got)
		}
		// The person's seen and rating keep to the day as well.
		staff := store.Actor{UserID: 7, Username: "orgadmin"}
		for _, c := range []voice.Change{{Kind: rules.EvAccept}, {Kind: rules.EvReply, Outcome: rules.Resolved, Note: "已修复"}} {
			if _, err := v.Record(ctx, rc.Ref, c, now.Add(time.Hour), staff); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := v.Record(ctx, rc.Ref, voice.Change{Kind: rules.EvSeen, ByPerson: true}, time.Date(2026, 3, 3, 20, 11, 0, 0, cst), store.Actor{}); err != nil {
			t.Fatal(err)
		}
		d, _ = v.Opinion(ctx, rc.Ref)
		if last := d.Events[len(d.Events)-1]; last.Kind != rules.EvSeen || last.At.In(cst).Format("15:04:05") != "00:00:00" || last.UserID != 0 {
			t.Errorf("seen by the person: %+v", last)
		}
		if n := auditCount(t, s, rc.Ref); n != 2 {
			t.Errorf("staff changes audited: %d, want 2", n)
		}
	})
}

func TestRecordLedger(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		v := newVoice(t, s)
		staff := store.Actor{UserID: 3, Username: "orgadmin"}
		// Monday 3/2 09:00, consultation at T1: by 3/5 23:59:59.
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, cst)
		rc, err := v.Receive(ctx, voice.NewOpinion{Channel: "hotline", Category: "consultation", Content: "咨询", OrgCode: "T1",
			Name: "王某", Phone: "13800138000"}, now, staff)
		if err != nil {
			t.Fatal(err)
		}
		step := func(c voice.Change, at string) (*rules.Opinion, error) {
			tm, _ := time.ParseInLocation("2006-01-02 15:04", at, cst)
			return v.Record(ctx, rc.Ref, c, tm, staff)
		}
		must := func(c voice.Change, at string) *rules.Opinion {
			t.Helper()
			o, err := step(c, at)
			if err != nil {
				t.Fatalf("%s at %s: %v", c.Kind, at, err)
			}
			return o
		}
		o := must(voice.Change{Kind: rules.EvRoute, OrgCode: "V1"}, "2026-03-03 09:00")
		if o.Org != "V1" || o.ReplyBy.In(cst).Format("01-02 15:04:05") != "03-05 23:59:59" {
			t.Errorf("route: %s by %s", o.Org, o.ReplyBy)
		}
		if _, err := step(voice.Change{Kind: rules.EvRoute, OrgCode: "NOPE"}, "2026-03-03 09:30"); err == nil {
			t.Error("route to an unknown org")
		}
		must(voice.Change{Kind: rules.EvAccept}, "2026-03-03 10:00")
		_, err = step(voice.Change{Kind: rules.EvClose}, "2026-03-03 11:00")
		var ie *pingyi.InputError
		if !errors.As(err, &ie) || ie.Errors[0].Column != "event" {
			t.Errorf("close before reply: %v", err)
		}
		must(voice.Change{Kind: rules.EvReply, Outcome: rules.Partly, Note: "部分已办"}, "2026-03-04 10:00")
		// The call-back's rating: dissatisfied first → reopened, by 3/9
		// (3 working days from Thursday 3/5: 3/6, 3/9, 3/10).
		o = must(voice.Change{Kind: rules.EvRate, Rating: pingyi.Dissatisfied}, "2026-03-05 10:00")
		if o.State != rules.StateAccepted || o.ReplyBy.In(cst).Format("01-02") != "03-10" {
			t.Errorf("reopen: %s by %s", o.State, o.ReplyBy)
		}
		must(voice.Change{Kind: rules.EvReply, Outcome: rules.Resolved}, "2026-03-09 10:00")
		must(voice.Change{Kind: rules.EvRate, Rating: pingyi.Satisfied}, "2026-03-09 11:00")
		o = must(voice.Change{Kind: rules.EvClose}, "2026-03-09 12:00")
		if o.State != rules.StateClosed {
			t.Errorf("state %s", o.State)
		}
		d, err := v.Opinion(ctx, rc.Ref)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for i, e := range d.Events {
			if e.Seq != i+1 {
				t.Errorf("seq %d at %d", e.Seq, i)
			}
			kinds = append(kinds, string(e.Kind))
		}
		want := "receive route accept reply seen rate reply seen rate close"
		if strings.Join(kinds, " ") != want {
			t.Errorf("ledger %s\nwant   %s", strings.Join(kinds, " "), want)
		}
		if d.Name != "王某" || d.Fold.Ratings != 2 || d.Fold.Outcome != rules.Resolved {
			t.Errorf("detail %+v", d)
		}
		// Receipt + 7 recorded changes, each audited.
		if n := auditCount(t, s, rc.Ref); n != 8 {
			t.Errorf("%d audit entries, want 8", n)
		}
		// Bad fields of a new opinion.
		_, err = v.Receive(ctx, voice.NewOpinion{Channel: "fax", Category: "help", Content: "", OrgCode: "X", Phone: "abc"}, now, staff)
		if !errors.As(err, &ie) {
			t.Fatalf("bad opinion: %v", err)
		}
		var cols []string
		for _, fe := range ie.Errors {
			cols = append(cols, fe.Column)
		}
		if strings.Join(cols, ",") != "channel,content,phone,org_code" {
			t.Errorf("refused fields %v", cols)
		}
	})
}

func TestInbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		v := newVoice(t, s)
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, cst)
		mk := func(org, cat, urg string) string {
			rc, err := v.Receive(ctx, voice.NewOpinion{Channel: "box", Category: cat, Urgency: urg, Content: "x", OrgCode: org, Name: "甲"}, now, store.CLI)
			if err != nil {
				t.Fatal(err)
			}
			return rc.Ref
		}
		a := mk("V1", "complaint", "")    // by 3/16
		b := mk("V2", "help", "urgent")   // accept by 11:00
		c := mk("V3", "consultation", "") // other town
		d := mk("T1", "suggestion", "")   // accept by 3/3
		at := time.Date(2026, 3, 2, 12, 0, 0, 0, cst)
		items, err := v.Inbox(ctx, "/", voice.InboxFilter{}, at)
		if err != nil {
			t.Fatal(err)
		}
		_ = c
		// T1's subtree: its own and its villages', soonest deadline first.
		org, _ := s.Org(ctx, "T1")
		items, err = v.Inbox(ctx, org.Path, voice.InboxFilter{OpenOnly: true}, at)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range items {
			mark := ""
			if it.Overdue {
				mark = "!"
			}
			if it.DueSoon {
				mark = "~" // accepted by the end of 3/3, the next working day
			}
			got = append(got, it.Ref+mark)
		}
		if want := []string{b + "!", d + "~", a + "~"}; strings.Join(got, " ") != strings.Join(want, " ") {
			// a and d: acceptance by 3/3 23:59:59 both; d replies sooner.
			t.Errorf("inbox %v, want %v", got, want)
		}
	})
}

// Events recorded at once on one opinion all land, each checked against
// the ledger as the others left it: of eight concurrent extensions exactly
// one is taken.
func TestRecordConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		v := newVoice(t, s)
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, cst)
		rc, err := v.Receive(ctx, voice.NewOpinion{Channel: "box", Category: "complaint", Content: "x", OrgCode: "V1", Name: "甲"}, now, store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Record(ctx, rc.Ref, voice.Change{Kind: rules.EvAccept}, now, store.CLI); err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 8)
		for i := 0; i < 8; i++ {
			go func() {
				_, err := v.Record(ctx, rc.Ref, voice.Change{Kind: rules.EvExtend, Note: "协调"}, now.Add(time.Hour), store.CLI)
				errs <- err
			}()
		}
		ok, refused := 0, 0
		for i := 0; i < 8; i++ {
			var ie *pingyi.InputError
			switch err := <-errs; {
			case err == nil:
				ok++
			case errors.As(err, &ie):
				refused++
			default:
				t.Errorf("concurrent extend: %v", err)
			}
		}
		d, _ := v.Opinion(ctx, rc.Ref)
		if ok != 1 || refused != 7 || len(d.Events) != 3 {
			t.Errorf("%d taken, %d refused, %d events", ok, refused, len(d.Events))
		}
	})
}

// With the intake's writer, concurrent filings are committed together and
// every one is there, with its receive event and (when not anonymous) its
// audit entry; stop waits for the last.
func TestIntakeBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		v := newVoice(t, s)
		stop := v.StartIntake()
		const n = 200
		errs := make(chan error, n)
		refs := make(chan string, n)
		for i := 0; i < n; i++ {
			go func() {
				o := voice.NewOpinion{Channel: "web", Category: "help", Content: "x", OrgCode: "V1"}
				if i%2 == 0 {
					o.Phone = "13800138000"
				}
				rc, err := v.Receive(ctx, o, time.Now(), store.Actor{Username: "public"})
				errs <- err
				refs <- rc.Ref
			}()
		}
		seen := map[string]bool{}
		for i := 0; i < n; i++ {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
			seen[<-refs] = true
		}
		stop()
		var ops, evs, audits int
		s.R().QueryRow(ctx, `SELECT COUNT(*) FROM opinions`).Scan(&ops)
		s.R().QueryRow(ctx, `SELECT COUNT(*) FROM opinion_events WHERE event = 'receive'`).Scan(&evs)
		s.R().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'opinion'`).Scan(&audits)
		if len(seen) != n || ops != n || evs != n || audits != n/2 {
			t.Errorf("%d refs, %d opinions, %d receive events, %d audit entries", len(seen), ops, evs, audits)
		}
		// Refused input never reaches the writer.
		v2 := &voice.Voice{S: s, Loc: cst}
		stop2 := v2.StartIntake()
		defer stop2()
		var ie *pingyi.InputError
		if _, err := v2.Receive(ctx, voice.NewOpinion{Channel: "web", Category: "help", OrgCode: "V1"}, time.Now(), store.CLI); !errors.As(err, &ie) {
			t.Errorf("empty content: %v", err)
		}
	})
}
