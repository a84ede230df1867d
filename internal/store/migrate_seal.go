package store

import (
	"context"
	"database/sql"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pressly/goose/v3"
)

// Migration 9 (a Go migration: its DDL differs per database) makes the
// tables that hold anonymous inputs keep neither time nor order (issue 10,
// docs/ANONYMITY.md):
//
//   - receipts: the receipts of phone ballots in a table of their own (a
//     random token, the campaign, the day), with nothing that leads to the
//     ballot; the receipts of ballots already stored are kept (the
//     ballot's old ID in base32, or its old receipt column) and the
//     ballots get new random IDs, so that an old receipt no longer names
//     its ballot; ballots.receipt is dropped;
//   - ballots, receipts, objections, star_objections, star_assessments and
//     window_daily are rebuilt with their rows in key order, on SQLite as
//     WITHOUT ROWID tables (the row's place is its key's: no hidden rowid
//     counting arrivals); objection and assessment IDs become random;
//     star_assessments.created_at (a time) becomes day;
//   - no campaign's anonymity threshold stays below 3;
//   - campaigns.ballots_sorted: 1 once a closed campaign's ballots have
//     been rewritten in key order (PostgreSQL, SortClosedBallots).
//
// Down rebuilds the tables as before (rowid tables, created_at) but
// cannot give the receipts made since back to their ballots: they are
// lost, the ballots counted all the same.
func migrateSeal(dialect Dialect) *goose.Migration {
	up := func(ctx context.Context, tx *sql.Tx) error {
		r := rebuilder{tx: tx, dialect: dialect, rowid: false}
		// No foreign key on campaign_id: on PostgreSQL each would lock the
		// campaign's row for every receipt written (the ballot's own key
		// checks it already), and receipts are deleted with their campaign's
		// ballots.
		if _, err := tx.ExecContext(ctx, `CREATE TABLE receipts (
		    token       TEXT PRIMARY KEY,
		    campaign_id BIGINT NOT NULL,
		    day         TEXT NOT NULL)`+r.suffix()); err != nil {
			return err
		}
		if err := moveReceipts(ctx, tx, dialect); err != nil {
			return err
		}
		rid := randomIDSQL(dialect)
		for _, t := range []table{
			{name: "ballots", body: ballotsBody(dialect, false), cols: append(slices.Clone(ballotCopyCols), "slot"),
				exprs: append(replaceFirst(ballotCopyCols, rid), "unit_org_id"), order: ballotsOrder(dialect),
				after: ballotIndexes(dialect)},
			{name: "objections", body: objectionsBody, cols: objectionCopyCols, exprs: replaceFirst(objectionCopyCols, rid),
				after: []string{`CREATE INDEX objections_campaign ON objections (campaign_id)`}},
			{name: "star_objections", body: starObjectionsBody, cols: starObjectionCopyCols, exprs: replaceFirst(starObjectionCopyCols, rid),
				after: []string{`CREATE INDEX star_objections_org ON star_objections (org_id, year)`}},
			{name: "star_assessments", body: starAssessmentsBody("day"), cols: starAssessmentCols("day"),
				exprs: replaceFirst(starAssessmentCols(`substr(created_at, 1, 10)`), rid), after: starAssessmentIndexes},
			{name: "window_daily", body: windowDailyBody, cols: windowDailyCols, exprs: windowDailyCols, order: "campaign_id, org_id, day"},
		} {
			if err := r.rebuild(ctx, t); err != nil {
				return fmt.Errorf("rebuild %s: %w", t.name, err)
			}
		}
		for _, st := range []string{
			`UPDATE campaigns SET anonymity = 3 WHERE anonymity < 3`,
			`ALTER TABLE campaigns ADD COLUMN ballots_sorted INTEGER NOT NULL DEFAULT 0`,
		} {
			if _, err := tx.ExecContext(ctx, st); err != nil {
				return err
			}
		}
		return nil
	}
	down := func(ctx context.Context, tx *sql.Tx) error {
		r := rebuilder{tx: tx, dialect: dialect, rowid: true}
		for _, t := range []table{
			{name: "ballots", body: ballotsBody(dialect, true), cols: ballotCopyCols, exprs: ballotCopyCols,
				after: []string{`CREATE INDEX ballots_untallied ON ballots (campaign_id) WHERE tallied = 0`}},
			{name: "objections", body: objectionsBody, cols: objectionCopyCols, exprs: objectionCopyCols,
				after: []string{`CREATE INDEX objections_campaign ON objections (campaign_id)`}},
			{name: "star_objections", body: starObjectionsBody, cols: starObjectionCopyCols, exprs: starObjectionCopyCols,
				after: []string{`CREATE INDEX star_objections_org ON star_objections (org_id, year)`}},
			{name: "star_assessments", body: starAssessmentsBody("created_at"), cols: starAssessmentCols("created_at"),
				exprs: starAssessmentCols("day"), after: starAssessmentIndexes},
			{name: "window_daily", body: windowDailyBody, cols: windowDailyCols, exprs: windowDailyCols, order: "campaign_id, org_id, day"},
		} {
			if err := r.rebuild(ctx, t); err != nil {
				return fmt.Errorf("rebuild %s: %w", t.name, err)
			}
		}
		for _, st := range []string{`DROP TABLE receipts`, `ALTER TABLE campaigns DROP COLUMN ballots_sorted`} {
			if _, err := tx.ExecContext(ctx, st); err != nil {
				return err
			}
		}
		return nil
	}
	return goose.NewGoMigration(9, &goose.GoFunc{RunTx: up}, &goose.GoFunc{RunTx: down})
}

// randomIDSQL is a random positive BIGINT made by the database, one per
// row (SQLite's random() and PostgreSQL's gen_random_uuid() both draw on
// the system's randomness).
func randomIDSQL(d Dialect) string {
	if d == Postgres {
		return `(('x' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 16))::bit(64)::bigint & 9223372036854775807)`
	}
	return `(random() & 9223372036854775807)`
}

// moveReceipts writes the receipt of every phone ballot into receipts, in
// token order: its old receipt column when it has one, else its ID in
// base32 (what receiptFor gave since migration 8).
func moveReceipts(ctx context.Context, tx *sql.Tx, dialect Dialect) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, campaign_id, day, COALESCE(receipt, '') FROM ballots WHERE source = 'code'`)
	if err != nil {
		return err
	}
	var out [][]any
	for rows.Next() {
		var id, cid int64
		var day, rc string
		if err := rows.Scan(&id, &cid, &day, &rc); err != nil {
			rows.Close()
			return err
		}
		if rc == "" {
			rc = receiptFor(id)
		}
		out = append(out, []any{rc, cid, day})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0].(string) < out[j][0].(string) })
	q := Q{q: tx, s: &Store{Dialect: dialect}}
	return BatchInsert(ctx, q, "receipts", []string{"token", "campaign_id", "day"}, out)
}

// table is one table to rebuild: its columns and constraints (body), the
// columns copied and what they are copied from, the indexes made after.
type table struct {
	name, body  string
	cols, exprs []string
	order       string // default: the first column
	after       []string
}

type rebuilder struct {
	tx      *sql.Tx
	dialect Dialect
	rowid   bool // SQLite: an ordinary (rowid) table, as before migration 9
}

func (r rebuilder) suffix() string {
	if r.dialect == SQLite && !r.rowid {
		return ` WITHOUT ROWID`
	}
	return ``
}

// rebuild makes the table anew with its rows in key order: a new table,
// the rows copied sorted by their (new) first column, the old one dropped
// and the new one renamed, its indexes made again.
func (r rebuilder) rebuild(ctx context.Context, t table) error {
	tmp := t.name + "_v9"
	order := t.order
	if order == "" {
		order = t.cols[0]
	}
	sts := []string{
		`CREATE TABLE ` + tmp + ` (` + t.body + `)` + r.suffix(),
		`INSERT INTO ` + tmp + ` (` + strings.Join(t.cols, ", ") + `) SELECT * FROM (SELECT ` + aliased(t.exprs, t.cols) + ` FROM ` + t.name + `) x ORDER BY ` + order,
		`DROP TABLE ` + t.name,
		`ALTER TABLE ` + tmp + ` RENAME TO ` + t.name,
	}
	if r.dialect == Postgres {
		sts = append(sts, `ALTER INDEX `+tmp+`_pkey RENAME TO `+t.name+`_pkey`)
	}
	for _, st := range append(sts, t.after...) {
		if _, err := r.tx.ExecContext(ctx, st); err != nil {
			return fmt.Errorf("%s: %w", st, err)
		}
	}
	return nil
}

func aliased(exprs, cols []string) string {
	out := make([]string, len(cols))
	for i := range cols {
		out[i] = exprs[i] + ` AS ` + cols[i]
	}
	return strings.Join(out, ", ")
}

func replaceFirst(cols []string, first string) []string {
	out := append([]string{first}, cols[1:]...)
	return out
}

var ballotCopyCols = []string{"id", "campaign_id", "unit_org_id", "category", "day", "source", "ballot_no", "opinion", "ratings", "tallied"}

// ballotsBody is the ballots table; before migration 9 (old) it also had
// the receipt column.
//
// From 9 it has slot: for a ballot not yet tallied, a random number drawn
// per intake commit (the ballots of one commit share it); once tallied,
// its unit. On SQLite the table is WITHOUT ROWID, keyed by (campaign,
// tallied, slot, random ID): an intake commit writes its ballots side by
// side at one random place of the campaign's small untallied region (a few
// pages, as the rowid table's end was, but at no place that follows the
// order of commits); the fold moves them, tallied, into the campaign's
// large region by unit, in random order within it. A random key alone (a
// random page of the table per ballot, and of each index) made the
// intake's commits write two and a half times as much. Ballot numbers are
// unique per campaign by a partial index of paper ballots only; ballot IDs
// by their 63 random bits. The untallied are found by the key, so there is
// no ballots_untallied index.
//
// From 9, campaign_id has no foreign key: on PostgreSQL every ballot's
// check of it locked its campaign's row (FOR KEY SHARE), one row that all
// the writers' batches share and that each batch now reads (the seal's
// window check); the campaign comes from the code's row (whose key is
// checked) or from the campaign read for a paper import, and campaigns
// are never deleted.
//
// PostgreSQL keeps its heap with the random ID as the primary key (its
// index is what a ballot's insert touches at random); ballot numbers are
// unique there by the same partial index (a phone ballot, the receipt it
// now writes besides, no longer adds an entry to it).
func ballotsBody(d Dialect, old bool) string {
	blob := "BLOB"
	if d == Postgres {
		blob = "BYTEA"
	}
	receipt := ""
	if old {
		receipt = "receipt TEXT UNIQUE, "
	}
	idKey, key := "id BIGINT PRIMARY KEY", ", UNIQUE (campaign_id, ballot_no)"
	if !old {
		key = ", slot BIGINT NOT NULL DEFAULT 0"
	}
	if d == SQLite && !old {
		idKey, key = "id BIGINT NOT NULL", ", slot BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (campaign_id, tallied, slot, id)"
	}
	campaignRef := "" // from 9: no foreign key to campaigns (ballotsBody's comment)
	if old {
		campaignRef = " REFERENCES campaigns(id)"
	}
	return idKey + `, campaign_id BIGINT NOT NULL` + campaignRef + `, unit_org_id BIGINT NOT NULL REFERENCES orgs(id),
		category TEXT NOT NULL, day TEXT NOT NULL, source TEXT NOT NULL, ballot_no TEXT, ` + receipt + `opinion TEXT NOT NULL DEFAULT '',
		ratings ` + blob + `, tallied INTEGER NOT NULL DEFAULT 1` + key
}

// ballotsOrder is the ballots' key order.
func ballotsOrder(d Dialect) string {
	if d == SQLite {
		return "campaign_id, tallied, slot, id"
	}
	return "id"
}

// ballotIndexes are made after the ballots table (from migration 9).
func ballotIndexes(d Dialect) []string {
	paper := `CREATE UNIQUE INDEX ballots_ballot_no ON ballots (campaign_id, ballot_no) WHERE ballot_no IS NOT NULL`
	if d == SQLite {
		return []string{paper}
	}
	return []string{paper, `CREATE INDEX ballots_untallied ON ballots (campaign_id) WHERE tallied = 0`}
}

var objectionCopyCols = []string{"id", "campaign_id", "target_id", "text", "contact", "filed_day", "answer", "answered_at", "answered_by"}

const objectionsBody = `id BIGINT PRIMARY KEY, campaign_id BIGINT NOT NULL REFERENCES campaigns(id), target_id BIGINT REFERENCES targets(id),
	text TEXT NOT NULL, contact TEXT NOT NULL DEFAULT '', filed_day TEXT NOT NULL, answer TEXT NOT NULL DEFAULT '',
	answered_at TEXT NOT NULL DEFAULT '', answered_by TEXT NOT NULL DEFAULT ''`

var starObjectionCopyCols = []string{"id", "year", "org_id", "member_id", "text", "contact", "filed_day", "answer", "answered_at", "answered_by"}

const starObjectionsBody = `id BIGINT PRIMARY KEY, year INTEGER NOT NULL, org_id BIGINT NOT NULL REFERENCES orgs(id),
	member_id BIGINT REFERENCES members(id), text TEXT NOT NULL, contact TEXT NOT NULL DEFAULT '', filed_day TEXT NOT NULL,
	answer TEXT NOT NULL DEFAULT '', answered_at TEXT NOT NULL DEFAULT '', answered_by TEXT NOT NULL DEFAULT ''`

func starAssessmentCols(last string) []string {
	return []string{"id", "year", "member_id", "kind", "rater_member_id", "ideology", "compliance", "civilization", "joint_service", "post_duty", last}
}

func starAssessmentsBody(last string) string {
	return `id BIGINT PRIMARY KEY, year INTEGER NOT NULL, member_id BIGINT NOT NULL REFERENCES members(id), kind TEXT NOT NULL,
		rater_member_id BIGINT REFERENCES members(id), ideology INTEGER NOT NULL, compliance INTEGER NOT NULL,
		civilization INTEGER NOT NULL, joint_service INTEGER, post_duty INTEGER, ` + last + ` TEXT NOT NULL`
}

var starAssessmentIndexes = []string{
	`CREATE INDEX star_assessments_member ON star_assessments (year, member_id, kind)`,
	`CREATE UNIQUE INDEX star_assessments_rater ON star_assessments (year, member_id, kind, rater_member_id)`,
}

var windowDailyCols = []string{"campaign_id", "org_id", "day", "satisfied", "fairly_satisfied", "basically_satisfied", "dissatisfied", "abstain"}

const windowDailyBody = `campaign_id BIGINT NOT NULL REFERENCES campaigns(id), org_id BIGINT NOT NULL REFERENCES orgs(id), day TEXT NOT NULL,
	satisfied BIGINT NOT NULL DEFAULT 0, fairly_satisfied BIGINT NOT NULL DEFAULT 0, basically_satisfied BIGINT NOT NULL DEFAULT 0,
	dissatisfied BIGINT NOT NULL DEFAULT 0, abstain BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (campaign_id, org_id, day)`

// receiptFor is the receipt ballots had from migration 8 to 9: the
// ballot's ID in base32. Migration 9 moved those receipts into receipts
// and gave the ballots new IDs.
func receiptFor(id int64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(id))
	return receiptEncoding.EncodeToString(b[:])
}

var receiptEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)
