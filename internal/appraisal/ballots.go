package appraisal

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/pingyi/pingyi/internal/store"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// Errors of ballot intake.
var (
	// ErrCodeUsed is the platform's (one-time codes are shared).
	ErrCodeUsed       = store.ErrCodeUsed
	ErrCampaignClosed = errors.New("campaign not open")
)

// RatingError is a rating that the code's unit, the campaign or its scale
// does not allow (HTTP 422): nothing is stored.
type RatingError struct{ Msg string }

func (e *RatingError) Error() string { return e.Msg }

// CodeInfo is what a one-time code may rate while it is unused.
type CodeInfo struct {
	Code     string
	Campaign *pingyi.Campaign
	Unit     Unit
	Category pingyi.EvaluatorCategory
	Used     bool
	Targets  []pingyi.Target
	Criteria []pingyi.Criterion

	index map[targetKey]int64 // Targets by type and code, when the intake's cache has it
}

// LookupCode returns a code's campaign, unit, category and the targets it
// may rate. ErrNotFound for an unknown code; the Used flag tells a spent one.
func (s *Store) LookupCode(ctx context.Context, code string) (*CodeInfo, error) {
	var ci CodeInfo
	var campaignID int64
	var used int
	err := s.R().QueryRow(ctx, `SELECT k.code, k.campaign_id, k.Category, k.used, o.id, o.code, o.name, o.path
		FROM codes k JOIN orgs o ON o.id = k.unit_org_id WHERE k.code = ?`, normalizeCode(code)).
		Scan(&ci.Code, &campaignID, &ci.Category, &used, &ci.Unit.ID, &ci.Unit.Code, &ci.Unit.Name, &ci.Unit.Path)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingyi.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	ci.Used = used != 0
	if ci.Campaign, err = s.CampaignByID(ctx, campaignID); err != nil {
		return nil, err
	}
	if ci.Targets, err = s.UnitTargets(ctx, campaignID, ci.Unit.ID); err != nil {
		return nil, err
	}
	if ci.Criteria, err = s.Criteria(ctx, campaignID); err != nil {
		return nil, err
	}
	ci.Unit.Targets = len(ci.Targets)
	return &ci, nil
}

func normalizeCode(c string) string { return strings.ToUpper(strings.TrimSpace(c)) }

// UnitTargets lists the targets of one unit: the org, its secretary, then
// its members by code.
func (s *Store) UnitTargets(ctx context.Context, campaignID, unitID int64) ([]pingyi.Target, error) {
	rows, err := s.R().Query(ctx, `SELECT t.id, t.type, t.code, t.name, t.unit_org_id, o.code, t.domain FROM targets t
		JOIN orgs o ON o.id = t.unit_org_id WHERE t.campaign_id = ? AND t.unit_org_id = ?`, campaignID, unitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pingyi.Target
	for rows.Next() {
		var t pingyi.Target
		if err := rows.Scan(&t.ID, &t.Type, &t.Code, &t.Name, &t.UnitID, &t.UnitCode, &t.Domain); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	order := map[pingyi.TargetType]int{pingyi.TargetOrg: 0, pingyi.TargetSecretary: 1, pingyi.TargetMember: 2}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return order[out[i].Type] < order[out[j].Type]
		}
		return out[i].Code < out[j].Code
	})
	return out, rows.Err()
}

// RatingInput is one rating as submitted.
type RatingInput struct {
	TargetType string `json:"target_type"`
	TargetCode string `json:"target_code"`
	Rating     string `json:"rating"`
}

type targetKey struct{ typ, code string }

// checkRatings validates ratings against a unit's targets and the scale.
func checkRatings(c *pingyi.Campaign, targets []pingyi.Target, in []RatingInput) (map[int64]pingyi.Rating, error) {
	return checkRatingsIndexed(c, targetIndex(targets), in)
}

// targetIndex maps a unit's targets by type and code (the intake keeps it
// with the unit's targets: building it is most of checkRatings' work).
func targetIndex(targets []pingyi.Target) map[targetKey]int64 {
	idx := make(map[targetKey]int64, len(targets))
	for _, t := range targets {
		idx[targetKey{string(t.Type), t.Code}] = t.ID
	}
	return idx
}

func checkRatingsIndexed(c *pingyi.Campaign, idx map[targetKey]int64, in []RatingInput) (map[int64]pingyi.Rating, error) {
	if len(in) == 0 {
		return nil, &RatingError{"no ratings"}
	}
	out := make(map[int64]pingyi.Rating, len(in))
	for i, r := range in {
		id, ok := idx[targetKey{r.TargetType, r.TargetCode}]
		if !ok {
			return nil, &RatingError{fmt.Sprintf("ratings[%d]: %s %q is not a target of this code's unit", i, r.TargetType, r.TargetCode)}
		}
		rt, ok := pingyi.ParseRating(r.Rating)
		if !ok || !c.Scale.Allows(rt) {
			return nil, &RatingError{fmt.Sprintf("ratings[%d]: %q is not on the campaign's %d-level scale", i, r.Rating, c.Scale)}
		}
		if _, dup := out[id]; dup {
			return nil, &RatingError{fmt.Sprintf("ratings[%d]: %s %q rated twice", i, r.TargetType, r.TargetCode)}
		}
		out[id] = rt
	}
	return out, nil
}

// newReceipt is what the phone keeps to see later that its ballot was
// counted: 8 random bytes in Crockford's base32 (13 characters of 0–9 and
// A–Z without I, L, O and U, so that nothing read aloud or copied by hand
// is confused), stored in receipts
// with the campaign and the day and nothing else — no path from a receipt
// to its ballot (issue 10, point 5). The first 2 bytes are prefix, drawn
// once per intake commit, so that a commit's receipts go to a few pages of
// the receipts' B-tree instead of each to a random one.
func newReceipt(prefix [2]byte) string {
	var b [8]byte
	copy(b[:2], prefix[:])
	rand.Read(b[2:])
	return crockford.EncodeToString(b[:])
}

// crockford is Crockford's base32 alphabet.
var crockford = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

// NormalReceipt is a receipt as typed, written the way receipts are:
// upper case, without spaces or dashes, and the letters people take for
// digits (I and L for 1, O for 0) turned into them.
func NormalReceipt(typed string) string {
	return strings.Map(func(r rune) rune {
		switch r = unicode.ToUpper(r); r {
		case ' ', '-', '\u3000', '\t':
			return -1
		case 'I', 'L':
			return '1'
		case 'O':
			return '0'
		}
		return r
	}, strings.TrimSpace(typed))
}

// SubmitBallot spends a one-time code and stores its ballot atomically,
// returning the receipt once the ballot is committed. Errors: ErrNotFound
// (unknown code), ErrCodeUsed, ErrCampaignClosed, *RatingError.
func (s *Store) SubmitBallot(ctx context.Context, code string, ratings []RatingInput, opinion string) (string, error) {
	ci, err := s.LookupCode(ctx, code)
	if err != nil {
		return "", err
	}
	b, err := prepareBallot(ci, ratings, opinion)
	if err != nil {
		return "", err
	}
	err = s.Tx(ctx, func(q store.Q) error {
		res, err := q.Exec(ctx, `UPDATE codes SET used = 1 WHERE code = ? AND used = 0`, ci.Code)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrCodeUsed
		}
		if err := insertBallots(ctx, q, []*pendingBallot{b}); err != nil {
			return err
		}
		return checkOpen(ctx, q, []int64{b.campaignID})
	})
	if err != nil {
		return "", err
	}
	s.ballotsStored(b.campaignID)
	return b.receipt, nil
}

// prepareBallot checks that ci's code may vote now and validates the
// ratings and (trimmed) opinion, returning the ballot to store. Errors:
// ErrCodeUsed, ErrCampaignClosed, *RatingError.
func prepareBallot(ci *CodeInfo, ratings []RatingInput, opinion string) (*pendingBallot, error) {
	if ci.Used {
		return nil, ErrCodeUsed
	}
	if State(ci.Campaign, time.Now()) != StateOpen {
		return nil, ErrCampaignClosed
	}
	idx := ci.index
	if idx == nil {
		idx = targetIndex(ci.Targets)
	}
	checked, err := checkRatingsIndexed(ci.Campaign, idx, ratings)
	if err != nil {
		return nil, err
	}
	opinion = strings.TrimSpace(opinion)
	if len([]rune(opinion)) > 2000 {
		return nil, &RatingError{"opinion longer than 2000 characters"}
	}
	return &pendingBallot{id: store.RandomID(), campaignID: ci.Campaign.ID, unitID: ci.Unit.ID, category: string(ci.Category), ratings: checked,
		opinion: opinion, source: "code", day: store.Today()}, nil
}

type pendingBallot struct {
	id                 int64 // 0: made when stored
	campaignID, unitID int64
	category           string
	ratings            map[int64]pingyi.Rating
	opinion            string
	source             string
	ballotNo           string
	receipt            string
	day                string
	err                error // set by the intake: this ballot's own fate
}

// Receipt reports whether a receipt belongs to a counted ballot, and of
// which campaign and day (all a receipt leads to).
func (s *Store) Receipt(ctx context.Context, receipt string) (*pingyi.Campaign, string, error) {
	var cid int64
	var day string
	// As typed (receipts made before the unambiguous alphabet hold I, L
	// and O), then written the way receipts are now.
	asTyped := strings.ToUpper(strings.TrimSpace(receipt))
	err := s.R().QueryRow(ctx, `SELECT campaign_id, day FROM receipts WHERE token = ?`, asTyped).Scan(&cid, &day)
	if n := NormalReceipt(receipt); errors.Is(err, sql.ErrNoRows) && n != asTyped {
		err = s.R().QueryRow(ctx, `SELECT campaign_id, day FROM receipts WHERE token = ?`, n).Scan(&cid, &day)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", pingyi.ErrNotFound
	}
	if err != nil {
		return nil, "", err
	}
	c, err := s.CampaignByID(ctx, cid)
	return c, day, err
}
