package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/store"
)

// Outcome is what the clients of one trial saw, code by code.
type Outcome struct {
	CampaignID int64
	Sent       map[string]bool   // every code posted (answered or not)
	Acked      map[string]string // code → receipt of every 201
	Cut        int               // requests that got no answer (the kill)
}

// Counts are what the database holds of one trial's campaign.
type Counts struct {
	Spent    int64 // codes marked used
	Ballots  int64 // ballots stored
	Receipts int64 // receipts stored
	Lost     int   // acknowledged ballots whose code is unspent or whose receipt is missing
}

// check reads the campaign of o from s and lists every broken invariant:
//
//   - every acknowledged ballot is stored: its code is spent and its
//     receipt exists (a ballot holds no code, so these two are how an
//     acknowledged ballot is found again: docs/ANONYMITY.md);
//   - every spent code has its ballot and no ballot is without its code
//     spent: as many ballots as spent codes (and as many receipts);
//   - nothing was stored that was not sent: every spent code was posted,
//     and the spent codes not acknowledged are no more than the requests
//     the kill cut.
//
// Everything is read in one snapshot (a read-only transaction), so that
// the counts agree with each other even if a transaction of the killed
// server were still committing.
func check(ctx context.Context, s *store.Store, o *Outcome) (Counts, []string, error) {
	tx, err := s.DB.BeginTx(ctx, snapshot(s))
	if err != nil {
		return Counts{}, nil, err
	}
	defer tx.Rollback()
	q := reader{tx, s}
	c, bad, err := counts(ctx, q, o.CampaignID)
	if err != nil {
		return c, nil, err
	}
	spent := map[string]bool{}
	rows, err := q.QueryContext(ctx, `SELECT code FROM codes WHERE campaign_id = ? AND used = 1`, o.CampaignID)
	if err != nil {
		return c, nil, err
	}
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			rows.Close()
			return c, nil, err
		}
		spent[code] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, nil, err
	}
	receipts, err := existingReceipts(ctx, q, o.Acked)
	if err != nil {
		return c, nil, err
	}
	var unspent, noReceipt []string
	for code, r := range o.Acked {
		lost := false
		if !spent[code] {
			unspent = append(unspent, code)
			lost = true
		}
		if !receipts[r] {
			noReceipt = append(noReceipt, r)
			lost = true
		}
		if lost {
			c.Lost++
		}
	}
	if len(unspent) > 0 {
		bad = append(bad, fmt.Sprintf("%d acknowledged ballots with their code not spent (e.g. %s)", len(unspent), unspent[0]))
	}
	if len(noReceipt) > 0 {
		bad = append(bad, fmt.Sprintf("%d acknowledged receipts not stored (e.g. %s)", len(noReceipt), noReceipt[0]))
	}
	var unsent []string
	extra := 0
	for code := range spent {
		if !o.Sent[code] {
			unsent = append(unsent, code)
		} else if _, ok := o.Acked[code]; !ok {
			extra++
		}
	}
	if len(unsent) > 0 {
		bad = append(bad, fmt.Sprintf("%d codes spent that were never posted (e.g. %s)", len(unsent), unsent[0]))
	}
	if extra > o.Cut {
		bad = append(bad, fmt.Sprintf("%d codes spent without a 201, more than the %d requests cut by the kill", extra, o.Cut))
	}
	return c, bad, nil
}

// counts reads a campaign's spent codes, ballots and receipts and checks
// that they agree: as many ballots as spent codes, each with its receipt,
// all from codes.
func counts(ctx context.Context, q reader, campaignID int64) (Counts, []string, error) {
	var c Counts
	var bad []string
	var nonCode int64
	for _, x := range []struct {
		n     *int64
		query string
	}{
		{&c.Spent, `SELECT COUNT(*) FROM codes WHERE campaign_id = ? AND used = 1`},
		{&c.Ballots, `SELECT COUNT(*) FROM ballots WHERE campaign_id = ?`},
		{&c.Receipts, `SELECT COUNT(*) FROM receipts WHERE campaign_id = ?`},
		{&nonCode, `SELECT COUNT(*) FROM ballots WHERE campaign_id = ? AND source <> 'code'`},
	} {
		if err := q.QueryRowContext(ctx, x.query, campaignID).Scan(x.n); err != nil {
			return c, nil, err
		}
	}
	if c.Ballots != c.Spent {
		bad = append(bad, fmt.Sprintf("%d ballots stored but %d codes spent", c.Ballots, c.Spent))
	}
	if c.Receipts != c.Ballots {
		bad = append(bad, fmt.Sprintf("%d receipts stored for %d ballots", c.Receipts, c.Ballots))
	}
	if nonCode > 0 {
		bad = append(bad, fmt.Sprintf("%d ballots not from a code", nonCode))
	}
	return c, bad, nil
}

// reader runs the checks' queries (written with ?) in a transaction.
type reader struct {
	tx *sql.Tx
	s  *store.Store
}

func (r reader) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return r.tx.QueryRowContext(ctx, r.s.Rebind(query), args...)
}

func (r reader) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return r.tx.QueryContext(ctx, r.s.Rebind(query), args...)
}

// snapshot are the options of a transaction that reads one snapshot.
func snapshot(s *store.Store) *sql.TxOptions {
	if s.Dialect == store.Postgres {
		return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return nil // a SQLite transaction reads one snapshot
}

// existingReceipts returns which of the acknowledged receipts are stored.
func existingReceipts(ctx context.Context, q reader, acked map[string]string) (map[string]bool, error) {
	all := make([]any, 0, len(acked))
	for _, r := range acked {
		all = append(all, r)
	}
	found := map[string]bool{}
	const per = 500
	for len(all) > 0 {
		n := min(per, len(all))
		rows, err := q.QueryContext(ctx, `SELECT token FROM receipts WHERE token IN (?`+strings.Repeat(", ?", n-1)+`)`, all[:n]...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return nil, err
			}
			found[t] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		all = all[n:]
	}
	return found, nil
}

// checkTallies checks each campaign's counts again once all is settled and,
// once every ballot is folded, compares its unit tallies with its ballots:
// the fold must count each ballot once.
func checkTallies(ctx context.Context, s *store.Store, campaignIDs []int64) ([]string, error) {
	if err := appraisal.New(s).FoldAll(ctx); err != nil {
		return nil, err
	}
	var bad []string
	for _, id := range campaignIDs {
		tx, err := s.DB.BeginTx(ctx, snapshot(s))
		if err != nil {
			return nil, err
		}
		_, b, err := counts(ctx, reader{tx, s}, id)
		tx.Rollback()
		if err != nil {
			return nil, err
		}
		for _, v := range b {
			bad = append(bad, fmt.Sprintf("campaign %d at the end: %s", id, v))
		}
		var ballots, tallied, pending int64
		q := s.R()
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM ballots WHERE campaign_id = ?`, id).Scan(&ballots); err != nil {
			return nil, err
		}
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM ballots WHERE campaign_id = ? AND tallied = 0`, id).Scan(&pending); err != nil {
			return nil, err
		}
		if err := q.QueryRow(ctx, `SELECT COALESCE(SUM(ballots), 0) FROM unit_tallies WHERE campaign_id = ?`, id).Scan(&tallied); err != nil {
			return nil, err
		}
		if pending > 0 || tallied != ballots {
			bad = append(bad, fmt.Sprintf("campaign %d: %d ballots, %d counted in the unit tallies, %d not folded", id, ballots, tallied, pending))
		}
	}
	return bad, nil
}

// durability is the database's version and the settings that make a
// commit survive a power cut, not only a killed process (which the trials
// cannot show: the kernel still holds what the process wrote).
func durability(ctx context.Context, s *store.Store) (string, error) {
	if s.Dialect == store.SQLite {
		var version, mode string
		var sync int
		conn, err := s.DB.Conn(ctx)
		if err != nil {
			return "", err
		}
		defer conn.Close()
		if err := conn.QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&version); err != nil {
			return "", err
		}
		if err := conn.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
			return "", err
		}
		if err := conn.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil {
			return "", err
		}
		names := map[int]string{0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
		return fmt.Sprintf("SQLite %s, journal_mode=%s, synchronous=%s", version, strings.ToUpper(mode), names[sync]), nil
	}
	var version, sc, fsync string
	if err := s.R().QueryRow(ctx, `SELECT current_setting('server_version'), current_setting('synchronous_commit'), current_setting('fsync')`).Scan(&version, &sc, &fsync); err != nil {
		return "", err
	}
	return fmt.Sprintf("PostgreSQL %s, synchronous_commit=%s, fsync=%s", version, sc, fsync), nil
}
