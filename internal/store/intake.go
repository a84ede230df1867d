package store

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// Intake accepts ballots from one-time codes with group commit: concurrent
// submissions are gathered into one transaction, and each is answered only
// after that transaction has committed (so a receipt means the ballot is on
// disk). Many people open their codes in the same minutes at the end of a
// meeting; one commit per batch instead of per ballot is what keeps up.
type Intake struct {
	s        *Store
	reqs     chan *intakeReq
	maxBatch int
	wg       sync.WaitGroup
	cache    *unitCache
	closed   chan struct{}
	once     sync.Once
}

type intakeReq struct {
	code string
	b    *pendingBallot
	err  error
	done chan struct{}
}

// ErrIntakeClosed is returned once the intake has stopped.
var ErrIntakeClosed = errors.New("ballot intake stopped")

// NewIntake starts the intake's writers: one on SQLite (one writer at a
// time is all it allows), several on PostgreSQL.
func (s *Store) NewIntake() *Intake {
	in := &Intake{s: s, reqs: make(chan *intakeReq, 4096), maxBatch: 256, cache: newUnitCache(s), closed: make(chan struct{})}
	writers := 1
	if s.Dialect == Postgres {
		writers = 8
	}
	for i := 0; i < writers; i++ {
		in.wg.Add(1)
		go in.writer()
	}
	return in
}

// Close stops the intake after the ballots already queued are written.
func (in *Intake) Close() {
	in.once.Do(func() {
		close(in.closed)
		close(in.reqs)
	})
	in.wg.Wait()
}

// Lookup returns what a code may rate (cached per campaign unit).
func (in *Intake) Lookup(ctx context.Context, code string) (*CodeInfo, error) {
	return in.cache.lookup(ctx, code)
}

// Submit validates a ballot, queues it and waits for its commit. Errors:
// pingyi.ErrNotFound, ErrCodeUsed, ErrCampaignClosed, *RatingError.
func (in *Intake) Submit(ctx context.Context, code string, ratings []RatingInput, opinion string) (string, error) {
	ci, err := in.cache.lookup(ctx, code)
	if err != nil {
		return "", err
	}
	if ci.Used {
		return "", ErrCodeUsed
	}
	if State(ci.Campaign, time.Now()) != StateOpen {
		return "", ErrCampaignClosed
	}
	checked, err := checkRatings(ci.Campaign, ci.Targets, ratings)
	if err != nil {
		return "", err
	}
	opinion = strings.TrimSpace(opinion)
	if len([]rune(opinion)) > 2000 {
		return "", &RatingError{"opinion longer than 2000 characters"}
	}
	req := &intakeReq{code: ci.Code, done: make(chan struct{}), b: &pendingBallot{campaignID: ci.Campaign.ID, unitID: ci.Unit.ID,
		category: string(ci.Category), ratings: checked, opinion: opinion, source: "code", receipt: newReceipt(), day: Today()}}
	select {
	case <-in.closed:
		return "", ErrIntakeClosed
	default:
	}
	select {
	case in.reqs <- req:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	// Once queued, the ballot is written whatever the client does: wait.
	<-req.done
	if req.err != nil {
		return "", req.err
	}
	return req.b.receipt, nil
}

func (in *Intake) writer() {
	defer in.wg.Done()
	for first := range in.reqs {
		batch := []*intakeReq{first}
	gather:
		for len(batch) < in.maxBatch {
			select {
			case r, ok := <-in.reqs:
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

func (in *Intake) write(batch []*intakeReq) {
	ctx := context.Background()
	err := in.s.Tx(ctx, func(q Q) error {
		for _, r := range batch {
			r.err = nil
		}
		return writeBatch(ctx, q, batch)
	})
	if err != nil && len(batch) > 1 {
		// One bad ballot must not sink the others: write them one by one.
		for _, r := range batch {
			r.err = in.s.Tx(ctx, func(q Q) error {
				r.err = nil
				return writeBatch(ctx, q, []*intakeReq{r})
			})
			if r.err == nil {
				r.err = r.b.err
			}
			close(r.done)
		}
		return
	}
	for _, r := range batch {
		if err != nil {
			r.err = err
		} else {
			r.err = r.b.err
		}
		close(r.done)
	}
}

// writeBatch spends the codes, inserts the accepted ballots and their
// ratings, and adds them to the tallies, all in q's transaction. A code
// already spent marks its ballot with ErrCodeUsed and skips it.
func writeBatch(ctx context.Context, q Q, batch []*intakeReq) error {
	var accepted []*pendingBallot
	for _, r := range batch {
		r.b.err = nil
		res, err := q.Exec(ctx, `UPDATE codes SET used = 1 WHERE code = ? AND used = 0`, r.code)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			r.b.err = ErrCodeUsed
			continue
		}
		accepted = append(accepted, r.b)
	}
	return insertBallots(ctx, q, accepted)
}

// insertBallots stores ballots with multi-row inserts and adds them to the
// tallies with one update per target touched.
func insertBallots(ctx context.Context, q Q, bs []*pendingBallot) error {
	if len(bs) == 0 {
		return nil
	}
	type unitKey struct {
		campaign, unit int64
		category     string
	}
	ballotRows := make([][]any, 0, len(bs))
	var ratingRows [][]any
	tallies := map[int64]*[5]int64{}
	units := map[unitKey]int64{}
	for _, b := range bs {
		id := RandomID()
		var no, receipt any
		if b.ballotNo != "" {
			no = b.ballotNo
		}
		if b.receipt != "" {
			receipt = b.receipt
		}
		ballotRows = append(ballotRows, []any{id, b.campaignID, b.unitID, b.category, b.day, b.source, no, receipt, b.opinion})
		for tid, r := range b.ratings {
			ratingRows = append(ratingRows, []any{id, tid, string(r)})
			t := tallies[tid]
			if t == nil {
				t = new([5]int64)
				tallies[tid] = t
			}
			t[tallyIndex(r)]++
		}
		units[unitKey{b.campaignID, b.unitID, b.category}]++
	}
	if err := batchInsert(ctx, q, "ballots", []string{"id", "campaign_id", "unit_org_id", "category", "day", "source", "ballot_no", "receipt", "opinion"}, ballotRows); err != nil {
		return err
	}
	if err := batchInsert(ctx, q, "ratings", []string{"ballot_id", "target_id", "rating"}, ratingRows); err != nil {
		return err
	}
	ids := make([]int64, 0, len(tallies))
	for id := range tallies {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] }) // a fixed lock order
	for _, id := range ids {
		t := tallies[id]
		if _, err := q.Exec(ctx, `UPDATE targets SET satisfied = satisfied + ?, fairly_satisfied = fairly_satisfied + ?,
			basically_satisfied = basically_satisfied + ?, dissatisfied = dissatisfied + ?, abstain = abstain + ? WHERE id = ?`,
			t[0], t[1], t[2], t[3], t[4], id); err != nil {
			return err
		}
	}
	keys := make([]unitKey, 0, len(units))
	for k := range units {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.campaign != b.campaign {
			return a.campaign < b.campaign
		}
		if a.unit != b.unit {
			return a.unit < b.unit
		}
		return a.category < b.category
	})
	for _, k := range keys {
		if _, err := q.Exec(ctx, `INSERT INTO unit_tallies (campaign_id, unit_org_id, category, ballots) VALUES (?, ?, ?, ?)
			ON CONFLICT (campaign_id, unit_org_id, category) DO UPDATE SET ballots = unit_tallies.ballots + excluded.ballots`,
			k.campaign, k.unit, k.category, units[k]); err != nil {
			return err
		}
	}
	return nil
}

func tallyIndex(r pingyi.Rating) int {
	switch r {
	case pingyi.Satisfied:
		return 0
	case pingyi.FairlySatisfied:
		return 1
	case pingyi.BasicallySatisfied:
		return 2
	case pingyi.Dissatisfied:
		return 3
	}
	return 4
}

// unitCache keeps what a unit's codes may rate: the campaign, the unit's
// targets and the criteria. Targets are a snapshot taken when the campaign
// was made, so they do not change; the campaign (its window) is re-read
// after a few seconds.
type unitCache struct {
	s  *Store
	mu sync.Mutex
	m  map[[2]int64]*unitEntry
}

type unitEntry struct {
	at       time.Time
	campaign *pingyi.Campaign
	unit     Unit
	targets  []pingyi.Target
	criteria []pingyi.Criterion
}

const unitCacheTTL = 3 * time.Second

func newUnitCache(s *Store) *unitCache { return &unitCache{s: s, m: map[[2]int64]*unitEntry{}} }

func (c *unitCache) lookup(ctx context.Context, code string) (*CodeInfo, error) {
	var ci CodeInfo
	var campaignID int64
	var used int
	err := c.s.R().QueryRow(ctx, `SELECT code, campaign_id, unit_org_id, category, used FROM codes WHERE code = ?`, normalizeCode(code)).
		Scan(&ci.Code, &campaignID, &ci.Unit.ID, &ci.Category, &used)
	if err != nil {
		if strings.Contains(err.Error(), "no rows") {
			return nil, pingyi.ErrNotFound
		}
		return nil, err
	}
	ci.Used = used != 0
	key := [2]int64{campaignID, ci.Unit.ID}
	c.mu.Lock()
	e := c.m[key]
	c.mu.Unlock()
	if e == nil || time.Since(e.at) > unitCacheTTL {
		full, err := c.s.LookupCode(ctx, ci.Code)
		if err != nil {
			return nil, err
		}
		e = &unitEntry{at: time.Now(), campaign: full.Campaign, unit: full.Unit, targets: full.Targets, criteria: full.Criteria}
		c.mu.Lock()
		if len(c.m) > 10000 {
			c.m = map[[2]int64]*unitEntry{}
		}
		c.m[key] = e
		c.mu.Unlock()
	}
	ci.Campaign, ci.Unit, ci.Targets, ci.Criteria = e.campaign, e.unit, e.targets, e.criteria
	return &ci, nil
}
