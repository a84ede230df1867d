package appraisal_test

import (
	"context"
	"encoding/base32"
	"encoding/binary"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// anonymousTables hold anonymous inputs or what leads to them
// (docs/ANONYMITY.md): none may keep a time finer than the day, or an
// order of arrival.
var anonymousTables = []string{"ballots", "receipts", "objections", "star_objections", "star_assessments", "window_daily"}

// timeColumn is a column name that would carry a time or an order.
var timeColumn = regexp.MustCompile(`(?i)(^|_)(created|updated|inserted|filed|cast|submitted)_at$|time|stamp|^seq|_seq$|serial|^rowid$|^oid$|order|arriv`)

// dayOnly lists the *_at columns allowed, each holding only a day
// (YYYY-MM-DD): when staff answered an objection.
var dayOnly = map[string]bool{"answered_at": true}

// Issue 10, point 3 (and 4, 5 by their tables): the schema of both
// databases has no column, key or table kind able to carry time or order
// in the anonymous tables.
func TestAnonymousSchema(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, table := range anonymousTables {
			var cols []string
			var types []string
			if s.Dialect == store.SQLite {
				var ddl string
				if err := s.R().QueryRow(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&ddl); err != nil {
					t.Fatalf("%s: %v", table, err)
				}
				up := strings.ToUpper(ddl)
				if !strings.Contains(up, "WITHOUT ROWID") {
					t.Errorf("%s is a rowid table (its hidden rowid counts arrivals): %s", table, ddl)
				}
				if strings.Contains(up, "AUTOINCREMENT") {
					t.Errorf("%s has an AUTOINCREMENT key", table)
				}
				rows, err := s.R().Query(ctx, `SELECT name, type, pk FROM pragma_table_info(?)`, table)
				if err != nil {
					t.Fatal(err)
				}
				var pks []string
				for rows.Next() {
					var name, typ string
					var pk int
					rows.Scan(&name, &typ, &pk)
					cols, types = append(cols, name), append(types, typ)
					if pk > 0 {
						pks = append(pks, typ)
					}
				}
				rows.Close()
				if len(pks) == 0 {
					t.Errorf("%s has no primary key: its rows would lie in the order they were written", table)
				}
			} else {
				rows, err := s.R().Query(ctx, `SELECT column_name, data_type, COALESCE(column_default, ''), is_identity FROM information_schema.columns
					WHERE table_schema = current_schema() AND table_name = ?`, table)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var name, typ, def, ident string
					rows.Scan(&name, &typ, &def, &ident)
					cols, types = append(cols, name), append(types, typ)
					if strings.Contains(def, "nextval") || ident == "YES" {
						t.Errorf("%s.%s is a serial or identity column", table, name)
					}
					if strings.Contains(def, "now()") || strings.Contains(strings.ToLower(def), "current_") {
						t.Errorf("%s.%s defaults to the time: %s", table, name, def)
					}
				}
				rows.Close()
				var oids bool
				if err := s.R().QueryRow(ctx, `SELECT relhasoids FROM pg_class WHERE oid = ?::regclass`, table).Scan(&oids); err == nil && oids {
					t.Errorf("%s has OIDs", table)
				}
			}
			if len(cols) == 0 {
				t.Fatalf("%s: no columns read", table)
			}
			for i, c := range cols {
				if (timeColumn.MatchString(c) || strings.HasSuffix(c, "_at")) && !dayOnly[c] {
					t.Errorf("%s.%s could carry a time or an order", table, c)
				}
				if ty := strings.ToLower(types[i]); strings.Contains(ty, "time") || strings.Contains(ty, "date") || strings.Contains(ty, "serial") {
					t.Errorf("%s.%s has type %s", table, c, types[i])
				}
			}
		}
	})
}

// Issue 10, point 3: ballots lie in the order of their random keys, not
// in the order they arrived — on SQLite by the table's kind (no rowid), on
// PostgreSQL once folded and, whole, once the campaign is closed.
func TestBallotsPhysicalOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, targets := recountSeed(t, s)
		codes, err := appraisal.New(s).IssueCodes(ctx, c, "B01", "mass_rep", 60, store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		// Ballots go in one by one, without an intake: an intake's
		// background fold could fold some of them before the fold below,
		// and each fold orders only what it folds (the test then failed
		// under load on PostgreSQL).
		ap := appraisal.New(s)
		r := rand.New(rand.NewPCG(3, 3))
		for _, k := range codes[:30] {
			if _, err := ap.SubmitBallot(ctx, k, ballot12(r, targets["B01"]), ""); err != nil {
				t.Fatal(err)
			}
		}
		if s.Dialect == store.SQLite {
			if _, err := s.R().Exec(ctx, `SELECT rowid FROM ballots`); err == nil {
				t.Error("ballots has a rowid")
			}
		}
		if err := appraisal.New(s).FoldBallots(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		order := func() []int64 {
			t.Helper()
			q := `SELECT id FROM ballots WHERE campaign_id = ? ORDER BY ctid`
			if s.Dialect == store.SQLite {
				q = `SELECT id FROM ballots WHERE campaign_id = ?` // a WITHOUT ROWID table is read in key order
			}
			rows, err := s.R().Query(ctx, q, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var ids []int64
			for rows.Next() {
				var id int64
				rows.Scan(&id)
				ids = append(ids, id)
			}
			return ids
		}
		if ids := order(); len(ids) != 30 || !slices.IsSorted(ids) {
			t.Errorf("after the fold, the heap order is not the key order: %v", ids)
		}
		for _, k := range codes[30:] {
			if _, err := ap.SubmitBallot(ctx, k, ballot12(r, targets["B01"]), ""); err != nil {
				t.Fatal(err)
			}
		}
		c.Opens, c.Closes = time.Now().Add(-48*time.Hour).UTC().Format(time.RFC3339), time.Now().Add(-time.Second).UTC().Format(time.RFC3339)
		if err := appraisal.New(s).UpdateCampaign(ctx, c, "", "", store.CLI); err != nil {
			t.Fatal(err)
		}
		if ids := order(); len(ids) != 60 || !slices.IsSorted(ids) {
			t.Errorf("after the close, the heap order is not the key order: %v", ids)
		}
		if s.Dialect == store.Postgres {
			var xmins int
			if err := s.R().QueryRow(ctx, `SELECT COUNT(DISTINCT xmin::text) FROM ballots WHERE campaign_id = ?`, c.ID).Scan(&xmins); err != nil || xmins != 1 {
				t.Errorf("after the close the ballots come from %d transactions (%v): their intake batches still show", xmins, err)
			}
		}
		var sorted int
		s.R().QueryRow(ctx, `SELECT ballots_sorted FROM campaigns WHERE id = ?`, c.ID).Scan(&sorted)
		if sorted != 1 {
			t.Error("campaign not marked sorted")
		}
	})
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

func idReceipt(id int64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(id))
	return b32.EncodeToString(b[:])
}

// Issue 10, point 5: the receipt was the ballot's key in base32. It is now
// a random token in a table of its own (campaign, day): no ballot is found
// from it, and receipts given before keep working without leading to
// their ballots either.
func TestReceiptLeadsNowhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, targets := recountSeed(t, s)
		codes, err := appraisal.New(s).IssueCodes(ctx, c, "B01", "mass_rep", 5, store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		in := appraisal.New(s).NewIntake()
		r := rand.New(rand.NewPCG(4, 4))
		var receipts []string
		for _, k := range codes[:4] {
			rc, err := in.Submit(ctx, k, ballot12(r, targets["B01"]), "")
			if err != nil {
				t.Fatal(err)
			}
			receipts = append(receipts, rc)
		}
		in.Close()
		ids := map[string]bool{}
		rows, _ := s.R().Query(ctx, `SELECT id FROM ballots`)
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids[idReceipt(id)] = true
		}
		rows.Close()
		for _, rc := range receipts {
			if ids[rc] {
				t.Errorf("receipt %s is a ballot's key", rc)
			}
			got, day, err := appraisal.New(s).Receipt(ctx, strings.ToLower(rc))
			if err != nil || got.Code != c.Code || day != store.Today() {
				t.Errorf("receipt %s: %v %q %v", rc, got, day, err)
			}
		}
		var n int
		s.R().QueryRow(ctx, `SELECT COUNT(*) FROM receipts`).Scan(&n)
		if n != 4 {
			t.Errorf("%d receipts", n)
		}

		// A receipt of schema 8 (the ballot's ID in base32) still shows
		// "counted", and the ballot no longer has that ID. (Going down
		// loses the receipts made at schema 9: nothing ties them to their
		// ballots.)
		if err := store.MigrateDownTo(ctx, s, 8); err != nil {
			t.Fatal(err)
		}
		old := int64(0x1234_5678_9abc_def0)
		if _, err := s.R().Exec(ctx, `INSERT INTO ballots (id, campaign_id, unit_org_id, category, day, source, opinion, ratings, tallied)
			SELECT ?, campaign_id, unit_org_id, category, day, 'code', '', ratings, tallied FROM ballots LIMIT 1`, old); err != nil {
			t.Fatal(err)
		}
		if err := store.MigrateUp(ctx, s); err != nil {
			t.Fatal(err)
		}
		if got, _, err := appraisal.New(s).Receipt(ctx, idReceipt(old)); err != nil || got.Code != c.Code {
			t.Errorf("old receipt: %v %v", got, err)
		}
		var left int
		s.R().QueryRow(ctx, `SELECT COUNT(*) FROM ballots WHERE id = ?`, old).Scan(&left)
		if left != 0 {
			t.Error("the old receipt still names its ballot")
		}
		s.R().QueryRow(ctx, `SELECT COUNT(*) FROM ballots`).Scan(&n)
		if n != 5 {
			t.Errorf("%d ballots after the migrations, want 5", n)
		}
	})
}

// newIDTime is the time a store.NewID() encodes (42 bits of ms since 2020).

// Issue 10, point 5 (objections): their IDs are random, not time-ordered;
// they keep the day only; the audit log has not their text (the stars'
// objections and mass assessments: internal/stars/anonymity_test.go).
func TestObjectionsAndMassAssessmentsUndated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		undated := func(what string, id int64) {
			t.Helper()
			if d := time.Since(store.IDTime(id)); d > -48*time.Hour && d < 48*time.Hour {
				t.Errorf("%s %d encodes a time (%s)", what, id, store.IDTime(id))
			}
		}
		c, _ := sealSeed(t, s)
		for range 5 {
			id, err := appraisal.New(s).FileObjection(ctx, c, 0, "结果有疑问", "")
			if err != nil {
				t.Fatal(err)
			}
			undated("objection", id)
		}
		dump := storetest.Dump(t, s)
		for _, bad := range []string{"结果有疑问", "评定不公", `"star_assessment"`, "star_assessment|"} {
			for _, line := range strings.Split(dump, "\n") {
				if strings.Contains(line, "audit") && strings.Contains(line, bad) {
					t.Errorf("audit log keeps %q: %s", bad, line)
				}
			}
		}
		rows, err := s.R().Query(ctx, `SELECT entity, before_json, after_json FROM audit_log`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var e, b, a string
			rows.Scan(&e, &b, &a)
			if e == "star_assessment" || strings.Contains(b+a, "结果有疑问") || strings.Contains(b+a, "评定不公") {
				t.Errorf("audit log: %s %s %s", e, b, a)
			}
		}
	})
}
