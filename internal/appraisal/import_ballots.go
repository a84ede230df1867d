package appraisal

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/pingyi/pingyi/internal/store"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// BallotColumns are the paper ballot file's columns (SPEC §6), one row per
// rating.
var BallotColumns = []string{"ballot_no", "evaluator_category", "target_type", "target_code", "rating"}

// BallotRow is one line of a ballot file, as read.
type BallotRow struct {
	Line                                                        int
	BallotNo, EvaluatorCategory, TargetType, TargetCode, Rating string
}

// ImportBallots stores paper ballots entered by staff, all or nothing. It
// refuses, naming every bad line and column: an empty ballot_no, an unknown
// evaluator category or one that differs within a ballot, a target outside
// the campaign, two ratings of one target on one ballot, a ballot spanning
// two units, a rating not on the campaign's scale, and a ballot_no already
// imported into the campaign; and any ballot while the campaign is not
// open (seal.go). It returns the number of ballots stored.
func (s *Store) ImportBallots(ctx context.Context, c *pingyi.Campaign, rows []BallotRow, a store.Actor) (int, error) {
	if State(c, time.Now()) != StateOpen {
		return 0, notOpenForPaper(c)
	}
	// Every target of the campaign.
	type tinfo struct {
		id   int64
		unit int64
	}
	targets := map[targetKey]tinfo{}
	rs, err := s.R().Query(ctx, `SELECT id, type, code, unit_org_id FROM targets WHERE campaign_id = ?`, c.ID)
	if err != nil {
		return 0, err
	}
	for rs.Next() {
		var k targetKey
		var t tinfo
		if err := rs.Scan(&t.id, &k.typ, &k.code, &t.unit); err != nil {
			rs.Close()
			return 0, err
		}
		targets[k] = t
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return 0, err
	}

	type ballot struct {
		no        string
		firstLine int
		category  string
		unit      int64
		unitLine  int
		ratings   map[int64]pingyi.Rating
		lines     map[int64]int
	}
	bad := &pingyi.InputError{}
	ballots := map[string]*ballot{}
	var order []string
	for _, r := range rows {
		if r.BallotNo == "" {
			bad.Add(r.Line, "ballot_no", "empty ballot number")
			continue
		}
		store.CheckCellText(bad, r.Line, "ballot_no", r.BallotNo)
		b := ballots[r.BallotNo]
		if b == nil {
			b = &ballot{no: r.BallotNo, firstLine: r.Line, category: r.EvaluatorCategory, ratings: map[int64]pingyi.Rating{}, lines: map[int64]int{}}
			ballots[r.BallotNo] = b
			order = append(order, r.BallotNo)
		}
		if !pingyi.ValidEvaluatorCategory(r.EvaluatorCategory) {
			bad.Add(r.Line, "evaluator_category", "unknown evaluator category %q", r.EvaluatorCategory)
		} else if r.EvaluatorCategory != b.category && pingyi.ValidEvaluatorCategory(b.category) {
			bad.Add(r.Line, "evaluator_category", "ballot %q has category %q on line %d: one ballot, one evaluator", r.BallotNo, b.category, b.firstLine)
		}
		rating, ok := pingyi.ParseRating(r.Rating)
		if !ok {
			bad.Add(r.Line, "rating", "unknown rating %q", r.Rating)
		} else if !c.Scale.Allows(rating) {
			bad.Add(r.Line, "rating", "%q is not on the campaign's %d-level scale", r.Rating, c.Scale)
		}
		if !pingyi.ValidTargetType(r.TargetType) {
			bad.Add(r.Line, "target_type", "unknown target type %q (org, secretary, member)", r.TargetType)
			continue
		}
		t, ok := targets[targetKey{r.TargetType, r.TargetCode}]
		if !ok {
			bad.Add(r.Line, "target_code", "%s %q is not a target of campaign %s", r.TargetType, r.TargetCode, c.Code)
			continue
		}
		if first, dup := b.lines[t.id]; dup {
			bad.Add(r.Line, "target_code", "ballot %q rates %s %q twice (first on line %d)", r.BallotNo, r.TargetType, r.TargetCode, first)
			continue
		}
		b.lines[t.id] = r.Line
		if b.unit == 0 {
			b.unit, b.unitLine = t.unit, r.Line
		} else if b.unit != t.unit {
			bad.Add(r.Line, "target_code", "ballot %q spans two units: %s %q is in another unit than the target on line %d", r.BallotNo, r.TargetType, r.TargetCode, b.unitLine)
			continue
		}
		if ok {
			b.ratings[t.id] = rating
		}
	}
	// Ballot numbers already imported.
	if len(order) > 0 {
		existing := map[string]bool{}
		rs, err := s.R().Query(ctx, `SELECT ballot_no FROM ballots WHERE campaign_id = ? AND ballot_no IS NOT NULL`, c.ID)
		if err != nil {
			return 0, err
		}
		for rs.Next() {
			var no string
			if err := rs.Scan(&no); err != nil {
				rs.Close()
				return 0, err
			}
			existing[no] = true
		}
		rs.Close()
		for _, no := range order {
			if existing[no] {
				bad.Add(ballots[no].firstLine, "ballot_no", "ballot %q was already imported into campaign %s", no, c.Code)
			}
		}
	}
	if len(bad.Errors) > 0 {
		sort.SliceStable(bad.Errors, func(i, j int) bool { return bad.Errors[i].Line < bad.Errors[j].Line })
		return 0, bad
	}
	day := store.Today()
	err = s.Tx(ctx, func(q store.Q) error {
		pending := make([]*pendingBallot, 0, len(order))
		for _, no := range order {
			b := ballots[no]
			pending = append(pending, &pendingBallot{campaignID: c.ID, unitID: b.unit, category: b.category,
				ratings: b.ratings, source: "paper", ballotNo: no, day: day})
		}
		if err := insertBallots(ctx, q, pending); err != nil {
			if store.IsUniqueViolation(err) {
				ie := &pingyi.InputError{}
				ie.Add(0, "ballot_no", "a ballot number was imported into campaign %s at the same time", c.Code)
				return ie
			}
			return err
		}
		if err := checkOpen(ctx, q, []int64{c.ID}); errors.Is(err, ErrCampaignClosed) {
			return notOpenForPaper(c)
		} else if err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "import_ballots", "campaign", c.Code, nil, map[string]any{"ballots": len(order), "rows": len(rows)})
	})
	if err != nil {
		return 0, err
	}
	s.ballotsStored(c.ID)
	return len(order), nil
}

// notOpenForPaper is the refusal of paper ballots outside the window: they
// are entered while the campaign is open, never after its close (their
// content would show as the difference in results already read).
func notOpenForPaper(c *pingyi.Campaign) error {
	bad := &pingyi.InputError{}
	bad.Add(0, "campaign", "campaign %s is not open: paper ballots are entered only while it is open", c.Code)
	return bad
}
