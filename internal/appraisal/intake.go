package appraisal

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pingyi/pingyi/internal/metrics"
	"github.com/pingyi/pingyi/internal/store"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// Intake accepts ballots from one-time codes with group commit: concurrent
// submissions are gathered into one transaction, and each is answered only
// after that transaction has committed (so a receipt means the ballot is on
// disk). Many people open their codes in the same minutes at the end of a
// meeting; one commit per batch instead of per ballot is what keeps up.
//
// On PostgreSQL several writers commit at once, each with its own queue:
// a ballot goes to the writer of its unit, so that the rows every ballot
// of a unit updates (the unit's org and secretary targets, its unit
// tally) are only ever updated by one writer and writers never wait for
// each other's locks.
type Intake struct {
	s        *Store
	queues   []chan *intakeReq // one per writer
	maxBatch int
	wg       sync.WaitGroup
	cache    *unitCache
	mu       sync.RWMutex // Submit holds it to queue, Close to stop
	stopped  bool
	once     sync.Once
	conn     *store.WriterConn // SQLite: the writer's own connection

	writeMu            sync.Mutex   // SQLite: the writer holds it per batch, the folder per chunk
	lastBallot         atomic.Int64 // UnixNano of the last ballot submitted (the folder waits for a quiet moment)
	foldStop, foldDone chan struct{}
}

type intakeReq struct {
	code string
	b    *pendingBallot
	err  error
	done chan struct{}
}

// ErrIntakeClosed is returned once the intake has stopped.
var ErrIntakeClosed = errors.New("ballot intake stopped")

// pgWriters is how many writers commit at once on PostgreSQL: measured
// best on 2 cores (1: 1,600 ballots/s, 2: 2,150, 4: 2,300, 8: 1,550; more
// writers make smaller batches, and each batch costs a commit).
const pgWriters = 4

// NewIntake starts the intake's writers: one on SQLite (one writer at a
// time is all it allows), several on PostgreSQL.
func (s *Store) NewIntake() *Intake {
	in := &Intake{s: s, maxBatch: 256, cache: newUnitCache(s), foldStop: make(chan struct{}), foldDone: make(chan struct{})}
	writers := 1
	if s.Dialect == store.Postgres {
		writers = pgWriters
	} else if c, err := store.NewWriterConn(s.Store); err == nil {
		in.conn = c
	} // else the writer uses transactions from the pool
	for i := 0; i < writers; i++ {
		q := make(chan *intakeReq, 4096/writers)
		in.queues = append(in.queues, q)
		in.wg.Add(1)
		go in.writer(q)
	}
	go in.folder()
	return in
}

// queue is the writer queue of a unit (its ID mixed, as IDs made in the
// same millisecond differ in their low bits only).
func (in *Intake) queue(unitID int64) chan *intakeReq {
	h := uint64(unitID) * 0x9e3779b97f4a7c15
	return in.queues[(h>>32)%uint64(len(in.queues))]
}

// Close stops the intake after the ballots already queued are written
// (and its background fold). Calling it again does nothing.
func (in *Intake) Close() {
	in.once.Do(func() {
		in.mu.Lock()
		in.stopped = true
		for _, q := range in.queues {
			close(q)
		}
		in.mu.Unlock()
		close(in.foldStop)
		in.wg.Wait()
		<-in.foldDone
		if in.conn != nil {
			in.conn.Close()
		}
		in.cache.close()
	})
}

// Lookup returns what a code may rate (cached per campaign unit).
func (in *Intake) Lookup(ctx context.Context, code string) (*CodeInfo, error) {
	return in.cache.lookup(ctx, code)
}

// Submit validates a ballot, queues it and waits for its commit. Errors:
// pingyi.ErrNotFound, ErrCodeUsed, ErrCampaignClosed, *RatingError.
func (in *Intake) Submit(ctx context.Context, code string, ratings []RatingInput, opinion string) (receipt string, err error) {
	defer func() { metrics.Ballot(err) }()
	ci, err := in.cache.lookup(ctx, code)
	if err != nil {
		return "", err
	}
	b, err := prepareBallot(ci, ratings, opinion)
	if err != nil {
		return "", err
	}
	req := &intakeReq{code: ci.Code, done: make(chan struct{}), b: b}
	in.lastBallot.Store(time.Now().UnixNano())
	in.mu.RLock()
	if in.stopped {
		in.mu.RUnlock()
		return "", ErrIntakeClosed
	}
	select {
	case in.queue(ci.Unit.ID) <- req:
		in.mu.RUnlock()
	case <-ctx.Done():
		in.mu.RUnlock()
		return "", ctx.Err()
	}
	// Once queued, the ballot is written whatever the client does: wait.
	<-req.done
	if req.err == nil || errors.Is(req.err, ErrCodeUsed) {
		in.cache.spent(ci.Code)
	}
	if req.err != nil {
		return "", req.err
	}
	return req.b.receipt, nil
}

func (in *Intake) writer(reqs chan *intakeReq) {
	defer in.wg.Done()
	for first := range reqs {
		batch := []*intakeReq{first}
	gather:
		for len(batch) < in.maxBatch {
			select {
			case r, ok := <-reqs:
				if !ok {
					break gather
				}
				batch = append(batch, r)
			default:
				break gather
			}
		}
		in.write(batch)
	}
}

// tx runs fn in a write transaction: on the writer's own connection when
// it has one (SQLite), else from the pool.
func (in *Intake) tx(ctx context.Context, fn func(store.Q) error) error {
	if in.conn != nil {
		return in.conn.Tx(ctx, fn)
	}
	return in.s.Tx(ctx, fn)
}

func (in *Intake) write(batch []*intakeReq) {
	if in.conn != nil {
		in.writeMu.Lock()
		defer in.writeMu.Unlock()
	}
	ctx := context.Background()
	defer metrics.IntakeBatch(len(batch), time.Now())
	err := in.tx(ctx, func(q store.Q) error {
		for _, r := range batch {
			r.err = nil
		}
		return writeBatch(ctx, q, batch)
	})
	if err != nil && len(batch) > 1 {
		// One bad ballot must not sink the others: write them one by one.
		for _, r := range batch {
			r.err = in.tx(ctx, func(q store.Q) error {
				r.err = nil
				return writeBatch(ctx, q, []*intakeReq{r})
			})
			if r.err == nil {
				r.err = r.b.err
			}
			in.answer(r)
		}
		return
	}
	for _, r := range batch {
		if err != nil {
			r.err = err
		} else {
			r.err = r.b.err
		}
		in.answer(r)
	}
}

// answer releases a submission waiting for its batch, having noted a
// stored ballot for the results cache first.
func (in *Intake) answer(r *intakeReq) {
	if r.err == nil {
		in.s.ballotsStored(r.b.campaignID)
	}
	close(r.done)
}

// writeBatch spends the codes and inserts the accepted ballots (with
// their ratings, untallied: fold.go), all in q's transaction. A code
// already spent (or spent twice in the batch) marks its ballot with
// ErrCodeUsed and skips it. A campaign closed meanwhile (its cached window
// is a few seconds old) fails the batch with ErrCampaignClosed: checked
// after the insert, in the transaction (seal.go, lockIntake).
func writeBatch(ctx context.Context, q store.Q, batch []*intakeReq) error {
	codes := make([]string, 0, len(batch))
	for _, r := range batch {
		r.b.err = nil
		codes = append(codes, r.code)
	}
	spend := spendCodes
	if q.Dialect() == store.SQLite {
		spend = spendCodesOneByOne
	}
	spent, err := spend(ctx, q, codes)
	if err != nil {
		return err
	}
	accepted := make([]*pendingBallot, 0, len(batch))
	for _, r := range batch {
		if !spent[r.code] {
			r.b.err = ErrCodeUsed
			continue
		}
		delete(spent, r.code) // the same code twice in one batch: the first wins
		accepted = append(accepted, r.b)
	}
	return insertBallotsOpen(ctx, q, accepted)
}

// batchCampaigns lists the distinct campaigns of a batch's ballots.
func batchCampaigns(bs []*pendingBallot) []int64 {
	var ids []int64
	for _, b := range bs {
		if !slices.Contains(ids, b.campaignID) {
			ids = append(ids, b.campaignID)
		}
	}
	return ids
}

// spendCodes marks unused codes used with one statement per thousand codes
// (PostgreSQL) and returns those it marked. The rows are locked in code
// order first, so that concurrent writers cannot deadlock.
func spendCodes(ctx context.Context, q store.Q, codes []string) (map[string]bool, error) {
	codes = slices.Clone(codes)
	slices.Sort(codes)
	codes = slices.Compact(codes)
	spent := make(map[string]bool, len(codes))
	const per = 1000
	args := make([]any, 0, min(per, len(codes)))
	for len(codes) > 0 {
		n := min(per, len(codes))
		args = args[:0]
		for _, c := range codes[:n] {
			args = append(args, c)
		}
		rows, err := q.QueryRebound(ctx, spendSQL(n), args...) // already rebound
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return nil, err
			}
			spent[c] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		codes = codes[n:]
	}
	return spent, nil
}

// spendCodesOneByOne is spendCodes with one prepared UPDATE per code:
// SQLite has no round trip to save and re-parsing a statement of a
// different length for every batch costs more than stepping a prepared
// one.
func spendCodesOneByOne(ctx context.Context, q store.Q, codes []string) (map[string]bool, error) {
	spent := make(map[string]bool, len(codes))
	for _, c := range codes {
		if spent[c] {
			continue
		}
		res, err := q.Exec(ctx, `UPDATE codes SET used = 1 WHERE code = ? AND used = 0`, c)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			spent[c] = true
		}
	}
	return spent, nil
}

var spendSQLs sync.Map // n → PostgreSQL statement

// spendSQL marks n codes used on PostgreSQL, having locked their rows in
// code order (FOR NO KEY UPDATE, what the UPDATE takes anyway).
func spendSQL(n int) string {
	if s, ok := spendSQLs.Load(n); ok {
		return s.(string)
	}
	in := store.Placeholders(n)
	s := store.Rebind(`WITH l AS (SELECT code FROM codes WHERE code IN (` + in + `) AND used = 0 ORDER BY code FOR NO KEY UPDATE)
		UPDATE codes SET used = 1 FROM l WHERE codes.code = l.code AND codes.used = 0 RETURNING codes.code`)
	spendSQLs.Store(n, s)
	return s
}

// insertBallots stores ballots with multi-row inserts, each with its
// ratings in its own row and not yet tallied: the tallies are brought up
// to date later, many ballots at once, by the fold (fold.go), and every
// read of the tallies folds first. A ballot is thus one row written where
// its random key falls, plus, for a phone ballot, its receipt in receipts
// (made here: b.receipt).
// The rows go in key order, not in the order the ballots arrived (the
// receipts in token order): nothing of a batch's order is written
// (docs/ANONYMITY.md).
func insertBallots(ctx context.Context, q store.Q, bs []*pendingBallot) error {
	if len(bs) == 0 {
		return nil
	}
	rows, receipts := ballotRows(bs)
	if err := store.InsertRows(ctx, q, "ballots", ballotCols, rows); err != nil {
		return err
	}
	if len(receipts) == 0 {
		return nil
	}
	return store.InsertRows(ctx, q, "receipts", receiptCols, receipts)
}

// ballotRows are the rows of ballots and of receipts that insertBallots
// writes, each in key order; it makes the phone ballots' receipts.
func ballotRows(bs []*pendingBallot) (rows, receipts [][]any) {
	for _, b := range bs {
		if b.id == 0 {
			b.id = store.RandomID()
		}
	}
	sorted := slices.Clone(bs)
	slices.SortFunc(sorted, func(a, b *pendingBallot) int { return cmp.Compare(a.id, b.id) })
	// One random slot for the commit's ballots, and one random prefix for
	// its receipts, drawn apart: each goes side by side to one random place
	// (few pages written), and neither leads to the other.
	slot := store.RandomID()
	var prefix [2]byte
	rand.Read(prefix[:])
	rows = make([][]any, 0, len(bs))
	for _, b := range sorted {
		var no any
		if b.ballotNo != "" {
			no = b.ballotNo
		}
		rows = append(rows, []any{b.id, b.campaignID, b.unitID, b.category, b.day, b.source, no, b.opinion, store.EncodeRatings(b.ratings), 0, slot})
		if b.source == "code" {
			b.receipt = newReceipt(prefix)
			receipts = append(receipts, []any{b.receipt, b.campaignID, b.day})
		}
	}
	slices.SortFunc(receipts, func(a, b []any) int { return cmp.Compare(a[0].(string), b[0].(string)) })
	return rows, receipts
}

// insertBallotsOpen is insertBallots then checkOpen. On PostgreSQL an
// intake commit's worth is one statement — receipts and ballots inserted
// by data-modifying WITH clauses, the campaigns' windows read by its
// SELECT — instead of three round trips. Its locks on ballots and
// receipts are taken before its snapshot, so the window it reads is the
// one committed by a change that held them back (lockIntake).
func insertBallotsOpen(ctx context.Context, q store.Q, bs []*pendingBallot) error {
	campaigns := batchCampaigns(bs)
	if q.Dialect() != store.Postgres || len(bs) == 0 || len(bs) > 256 {
		if err := insertBallots(ctx, q, bs); err != nil {
			return err
		}
		return checkOpen(ctx, q, campaigns)
	}
	rows, receipts := ballotRows(bs)
	var sb strings.Builder
	args := make([]any, 0, len(rows)*len(ballotCols)+len(receipts)*len(receiptCols)+len(campaigns))
	tuples := func(n, width int) string {
		t := "(" + store.Placeholders(width) + ")"
		return strings.TrimSuffix(strings.Repeat(t+", ", n), ", ")
	}
	sb.WriteString("WITH ")
	if len(receipts) > 0 {
		sb.WriteString("r AS (INSERT INTO receipts (" + strings.Join(receiptCols, ", ") + ") VALUES " + tuples(len(receipts), len(receiptCols)) + "), ")
		for _, r := range receipts {
			args = append(args, r...)
		}
	}
	sb.WriteString("b AS (INSERT INTO ballots (" + strings.Join(ballotCols, ", ") + ") VALUES " + tuples(len(rows), len(ballotCols)) + ") ")
	for _, r := range rows {
		args = append(args, r...)
	}
	sb.WriteString("SELECT opens, closes FROM campaigns WHERE id IN (" + store.Placeholders(len(campaigns)) + ")")
	for _, id := range campaigns {
		args = append(args, id)
	}
	res, err := q.Query(ctx, sb.String(), args...)
	if err != nil {
		return err
	}
	defer res.Close()
	now, n := time.Now(), 0
	for res.Next() {
		var c pingyi.Campaign
		if err := res.Scan(&c.Opens, &c.Closes); err != nil {
			return err
		}
		n++
		if State(&c, now) != StateOpen {
			return ErrCampaignClosed
		}
	}
	if err := res.Err(); err != nil {
		return err
	}
	if n != len(campaigns) {
		return pingyi.ErrNotFound
	}
	return nil
}

// receiptCols are the columns of receipts.
var receiptCols = []string{"token", "campaign_id", "day"}

// ballotCols are the columns insertBallots writes.
var ballotCols = []string{"id", "campaign_id", "unit_org_id", "category", "day", "source", "ballot_no", "opinion", "ratings", "tallied", "slot"}

// unitCache keeps what a code may rate, so that a submission costs one
// indexed read (the code) and no more: per campaign the campaign itself
// (its window, re-read after unitCacheTTL) and its criteria, per unit the
// unit and its targets — a snapshot taken when the campaign was made, so
// they do not change; they are re-read after unitTargetsTTL only to show
// a renamed unit's new name.
type unitCache struct {
	s         *Store
	mu        sync.Mutex
	campaigns map[int64]*campaignEntry
	units     map[[2]int64]*unitEntry
	codes     map[string]cachedCode

	prep     sync.Once
	stmtMu   sync.RWMutex // lookups hold it to use codeStmt, close to close it
	codeStmt *sql.Stmt    // the code lookup, prepared (nil: not preparable, or closed)
}

type campaignEntry struct {
	at       time.Time
	campaign *pingyi.Campaign
	criteria []pingyi.Criterion
}

type unitEntry struct {
	at      time.Time
	unit    Unit
	targets []pingyi.Target
	index   map[targetKey]int64
}

const (
	unitCacheTTL   = 3 * time.Second
	unitTargetsTTL = time.Minute
	// unitCacheMax bounds the units kept (a unit of 100 members is about
	// 10 KB): beyond it, entries are dropped at random.
	unitCacheMax = 4000
)

func newUnitCache(s *Store) *unitCache {
	return &unitCache{s: s, campaigns: map[int64]*campaignEntry{}, units: map[[2]int64]*unitEntry{}, codes: map[string]cachedCode{}}
}

const codeLookupSQL = `SELECT code, campaign_id, unit_org_id, category, used FROM codes WHERE code = ?`

func (c *unitCache) close() {
	c.prep.Do(func() {}) // no preparing after close
	c.stmtMu.Lock()
	defer c.stmtMu.Unlock()
	if c.codeStmt != nil {
		c.codeStmt.Close()
		c.codeStmt = nil
	}
}

func (c *unitCache) lookup(ctx context.Context, code string) (*CodeInfo, error) {
	code = normalizeCode(code)
	if ci, campaignID, ok := c.cachedCode(code); ok {
		return c.complete(ctx, &ci, campaignID)
	}
	ci, err := c.readCode(ctx, code)
	if err != nil {
		return nil, err
	}
	c.loadUnitCodes(ctx, ci.campaignID, ci.Unit.ID)
	return c.complete(ctx, &ci.CodeInfo, ci.campaignID)
}

// readCode reads one code from the database.
func (c *unitCache) readCode(ctx context.Context, code string) (*codeRead, error) {
	var ci CodeInfo
	var campaignID int64
	var used int
	// Prepared once: database/sql keeps it prepared on each connection
	// it runs on, so the lookup is not parsed again per request.
	c.prep.Do(func() { c.codeStmt, _ = c.s.DB.PrepareContext(context.Background(), c.s.Rebind(codeLookupSQL)) })
	c.stmtMu.RLock()
	var row *sql.Row
	if c.codeStmt != nil {
		row = c.codeStmt.QueryRowContext(ctx, code)
	} else {
		row = c.s.R().QueryRow(ctx, codeLookupSQL, code)
	}
	err := row.Scan(&ci.Code, &campaignID, &ci.Unit.ID, &ci.Category, &used)
	c.stmtMu.RUnlock()
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, pingyi.ErrNotFound
		}
		return nil, err
	}
	ci.Used = used != 0
	return &codeRead{ci, campaignID}, nil
}

type codeRead struct {
	CodeInfo
	campaignID int64
}

// A code's campaign, unit and category never change, so the intake keeps
// the codes of the units it has seen (a meeting's codes are used in the
// same minutes): a submission then needs no read before its batch. The
// cached "used" flag is only an early answer — the writer's UPDATE … WHERE
// used = 0 decides. Codes deleted by a test-mode wipe in this process drop
// the cache (CodesDeleted); deleted by another process, a code may be
// refused as used rather than unknown for up to codeCacheTTL.
type cachedCode struct {
	campaignID, unitID int64
	category           pingyi.EvaluatorCategory
	used               bool
	at                 time.Time
	gen                int64 // Store.codeGen when loaded
}

// CodesDeleted tells this process's intakes that codes were deleted (a
// test-mode wipe): their code caches start again.
func (s *Store) CodesDeleted() { s.codeGen.Add(1) }

const (
	codeCacheTTL = time.Minute
	codeCacheMax = 100000 // ≈ 10 MB; beyond it the cache starts again
)

func (c *unitCache) cachedCode(code string) (CodeInfo, int64, bool) {
	c.mu.Lock()
	e, ok := c.codes[code]
	c.mu.Unlock()
	if !ok || time.Since(e.at) > codeCacheTTL || e.gen != c.s.codeGen.Load() {
		return CodeInfo{}, 0, false
	}
	return CodeInfo{Code: code, Unit: Unit{ID: e.unitID}, Category: e.category, Used: e.used}, e.campaignID, true
}

// loadUnitCodes caches every code of a campaign's unit (errors only mean
// no caching).
func (c *unitCache) loadUnitCodes(ctx context.Context, campaignID, unitID int64) {
	rows, err := c.s.R().Query(ctx, `SELECT code, category, used FROM codes WHERE campaign_id = ? AND unit_org_id = ?`, campaignID, unitID)
	if err != nil {
		return
	}
	defer rows.Close()
	now := time.Now()
	gen := c.s.codeGen.Load() // before the read: a wipe during it makes these stale
	var batch []string
	var entries []cachedCode
	for rows.Next() {
		var code, cat string
		var used int
		if rows.Scan(&code, &cat, &used) != nil {
			return
		}
		batch = append(batch, code)
		entries = append(entries, cachedCode{campaignID: campaignID, unitID: unitID, category: pingyi.EvaluatorCategory(cat), used: used != 0, at: now, gen: gen})
	}
	if rows.Err() != nil {
		return
	}
	c.mu.Lock()
	if len(c.codes)+len(batch) > codeCacheMax {
		clear(c.codes)
	}
	for i, k := range batch {
		c.codes[k] = entries[i]
	}
	c.mu.Unlock()
}

// spent notes in the cache that a code has been used.
func (c *unitCache) spent(code string) {
	c.mu.Lock()
	if e, ok := c.codes[code]; ok {
		e.used = true
		c.codes[code] = e
	}
	c.mu.Unlock()
}

// complete fills in a looked-up code's campaign, unit, targets and
// criteria from the cache (loading what is missing or old).
func (c *unitCache) complete(ctx context.Context, ci *CodeInfo, campaignID int64) (*CodeInfo, error) {
	now := time.Now()
	c.mu.Lock()
	ce := c.campaigns[campaignID]
	ue := c.units[[2]int64{campaignID, ci.Unit.ID}]
	c.mu.Unlock()
	if ce == nil || now.Sub(ce.at) > unitCacheTTL {
		camp, err := c.s.CampaignByID(ctx, campaignID)
		if err != nil {
			return nil, err
		}
		crit, err := c.s.Criteria(ctx, campaignID)
		if err != nil {
			return nil, err
		}
		ce = &campaignEntry{at: now, campaign: camp, criteria: crit}
		c.mu.Lock()
		if len(c.campaigns) > 1000 {
			clear(c.campaigns)
		}
		c.campaigns[campaignID] = ce
		c.mu.Unlock()
	}
	if ue == nil || now.Sub(ue.at) > unitTargetsTTL {
		var u Unit
		if err := c.s.R().QueryRow(ctx, `SELECT code, name, path FROM orgs WHERE id = ?`, ci.Unit.ID).Scan(&u.Code, &u.Name, &u.Path); err != nil {
			return nil, err
		}
		u.ID = ci.Unit.ID
		ts, err := c.s.UnitTargets(ctx, campaignID, ci.Unit.ID)
		if err != nil {
			return nil, err
		}
		u.Targets = len(ts)
		ue = &unitEntry{at: now, unit: u, targets: ts, index: targetIndex(ts)}
		c.mu.Lock()
		for k := range c.units {
			if len(c.units) < unitCacheMax {
				break
			}
			delete(c.units, k) // map order: a random victim
		}
		c.units[[2]int64{campaignID, ci.Unit.ID}] = ue
		c.mu.Unlock()
	}
	ci.Campaign, ci.Unit, ci.Targets, ci.Criteria, ci.index = ce.campaign, ue.unit, ue.targets, ce.criteria, ue.index
	return ci, nil
}
