package appraisal

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/store"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// Rectification statuses (整改).
const (
	RectOpen       = "open"
	RectInProgress = "in_progress"
	RectDone       = "done"     // the owner says it is done; awaits verification
	RectVerified   = "verified" // the superior org checked it
	RectRejected   = "rejected" // verification failed: back to work
)

// RectStatuses lists the statuses in workflow order.
var RectStatuses = []string{RectOpen, RectInProgress, RectDone, RectVerified, RectRejected}

// Rectification is one problem found and its correction.
type Rectification struct {
	ID                                        int64
	CampaignID                                int64
	CampaignCode, CampaignName                string
	OrgID                                     int64
	OrgCode, OrgName, OrgPath                 string
	TargetID                                  int64
	TargetLabel                               string
	Problem, Cause, Measures, Owner, Deadline string
	Status                                    string
	VerifiedBy, VerifiedAt, VerifyNote        string
	CreatedAt, UpdatedAt                      string
	Files                                     []EvidenceFile
}

// Overdue reports whether the item is past its deadline and not done.
func (r Rectification) Overdue(now time.Time) bool {
	if r.Deadline == "" || r.Status == RectDone || r.Status == RectVerified {
		return false
	}
	return r.Deadline < now.Format("2006-01-02")
}

// EvidenceFile is a file attached to a rectification item.
type EvidenceFile struct {
	ID         int64
	Name, Mime string
	Size       int
	Uploaded   string
}

func checkRect(r *Rectification) error {
	bad := &pingyi.InputError{}
	r.Problem = strings.TrimSpace(r.Problem)
	if r.Problem == "" {
		bad.Add(0, "problem", "empty problem")
	}
	if r.Deadline != "" {
		if _, err := time.Parse("2006-01-02", r.Deadline); err != nil {
			bad.Add(0, "deadline", "not a date (2006-01-02): %q", r.Deadline)
		}
	}
	if r.Status == "" {
		r.Status = RectOpen
	}
	ok := false
	for _, s := range RectStatuses {
		ok = ok || s == r.Status
	}
	if !ok {
		bad.Add(0, "status", "unknown status %q", r.Status)
	}
	return bad.Err()
}

// SaveRectification creates (ID 0) or updates an item. Verification is
// separate (VerifyRectification): the owner cannot mark it verified.
func (s *Store) SaveRectification(ctx context.Context, r *Rectification, a store.Actor) error {
	if r.Status == RectVerified {
		r.Status = RectDone
	}
	if err := checkRect(r); err != nil {
		return err
	}
	return s.Tx(ctx, func(q store.Q) error {
		now := store.Now()
		if r.ID == 0 {
			r.ID = store.NewID()
			_, err := q.Exec(ctx, `INSERT INTO rectifications (id, campaign_id, org_id, target_id, problem, cause, measures, owner, deadline, status, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.CampaignID, r.OrgID, store.NullID(r.TargetID), r.Problem, r.Cause, r.Measures, r.Owner, r.Deadline, r.Status, now, now)
			if err != nil {
				return err
			}
			return store.Audit(ctx, q, a, "create", "rectification", itoa(r.ID), nil, r)
		}
		old, err := s.rectification(ctx, q, r.ID)
		if err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE rectifications SET problem = ?, cause = ?, measures = ?, owner = ?, deadline = ?, status = ?, updated_at = ? WHERE id = ?`,
			r.Problem, r.Cause, r.Measures, r.Owner, r.Deadline, r.Status, now, r.ID); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "update", "rectification", itoa(r.ID), old, r)
	})
}

// VerifyRectification records the superior org's verification: passed
// (verified) or not (rejected, back to work).
func (s *Store) VerifyRectification(ctx context.Context, id int64, passed bool, note string, a store.Actor) error {
	return s.Tx(ctx, func(q store.Q) error {
		old, err := s.rectification(ctx, q, id)
		if err != nil {
			return err
		}
		st := RectRejected
		if passed {
			st = RectVerified
		}
		if _, err := q.Exec(ctx, `UPDATE rectifications SET status = ?, verified_by = ?, verified_at = ?, verify_note = ?, updated_at = ? WHERE id = ?`,
			st, a.Username, store.Now(), note, store.Now(), id); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "verify", "rectification", itoa(id), map[string]string{"status": old.Status}, map[string]string{"status": st, "note": note})
	})
}

const rectCols = `r.id, r.campaign_id, c.code, c.name, r.org_id, o.code, o.name, o.path, COALESCE(r.target_id, 0),
	COALESCE(t.type || ' ' || t.code || ' ' || t.name, ''), r.problem, r.cause, r.measures, r.owner, r.deadline, r.status,
	r.verified_by, r.verified_at, r.verify_note, r.created_at, r.updated_at`

const rectFrom = ` FROM rectifications r JOIN campaigns c ON c.id = r.campaign_id JOIN orgs o ON o.id = r.org_id LEFT JOIN targets t ON t.id = r.target_id`

func scanRect(sc interface{ Scan(...any) error }, r *Rectification) error {
	return sc.Scan(&r.ID, &r.CampaignID, &r.CampaignCode, &r.CampaignName, &r.OrgID, &r.OrgCode, &r.OrgName, &r.OrgPath, &r.TargetID,
		&r.TargetLabel, &r.Problem, &r.Cause, &r.Measures, &r.Owner, &r.Deadline, &r.Status, &r.VerifiedBy, &r.VerifiedAt, &r.VerifyNote,
		&r.CreatedAt, &r.UpdatedAt)
}

func (s *Store) rectification(ctx context.Context, q store.Q, id int64) (*Rectification, error) {
	var r Rectification
	err := scanRect(q.QueryRow(ctx, `SELECT `+rectCols+rectFrom+` WHERE r.id = ?`, id), &r)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingyi.ErrNotFound
	}
	return &r, err
}

// Rectification returns one item with its files.
func (s *Store) Rectification(ctx context.Context, id int64) (*Rectification, error) {
	r, err := s.rectification(ctx, s.R(), id)
	if err != nil {
		return nil, err
	}
	rows, err := s.R().Query(ctx, `SELECT id, name, mime, LENGTH(data), uploaded_at FROM evidence_files WHERE rectification_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f EvidenceFile
		if err := rows.Scan(&f.ID, &f.Name, &f.Mime, &f.Size, &f.Uploaded); err != nil {
			return nil, err
		}
		r.Files = append(r.Files, f)
	}
	return r, rows.Err()
}

// Rectifications lists items in scope, for one campaign (0: all) and/or
// one org subtree (path "": the scope), overdue first then by deadline.
func (s *Store) Rectifications(ctx context.Context, scope pingyi.Scope, campaignID int64, orgPath string) ([]Rectification, error) {
	q := `SELECT ` + rectCols + rectFrom + ` WHERE 1 = 1`
	var args []any
	if campaignID != 0 {
		q += ` AND r.campaign_id = ?`
		args = append(args, campaignID)
	}
	if !scope.All() {
		pred, pargs := s.PathPrefix("o.path", scope.Path)
		q += ` AND ` + pred
		args = append(args, pargs...)
	}
	if orgPath != "" {
		pred, pargs := s.PathPrefix("o.path", orgPath)
		q += ` AND ` + pred
		args = append(args, pargs...)
	}
	q += ` ORDER BY r.deadline, o.code, r.id`
	rows, err := s.R().Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Rectification
	for rows.Next() {
		var r Rectification
		if err := scanRect(rows, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MaxEvidenceSize bounds one evidence file.
const MaxEvidenceSize = 10 << 20

// AddEvidence attaches a file to an item.
func (s *Store) AddEvidence(ctx context.Context, rectID int64, name, mime string, data []byte, a store.Actor) error {
	if len(data) == 0 || len(data) > MaxEvidenceSize {
		bad := &pingyi.InputError{}
		bad.Add(0, "file", "a file must be 1 byte to 10 MiB")
		return bad
	}
	return s.Tx(ctx, func(q store.Q) error {
		if _, err := q.Exec(ctx, `INSERT INTO evidence_files (id, rectification_id, name, mime, data, uploaded_at) VALUES (?, ?, ?, ?, ?, ?)`,
			store.NewID(), rectID, name, mime, data, store.Now()); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "attach", "rectification", itoa(rectID), nil, map[string]any{"file": name, "size": len(data)})
	})
}

// Evidence returns a file and the item it belongs to.
func (s *Store) Evidence(ctx context.Context, fileID int64) (rectID int64, name, mime string, data []byte, err error) {
	err = s.R().QueryRow(ctx, `SELECT rectification_id, name, mime, data FROM evidence_files WHERE id = ?`, fileID).Scan(&rectID, &name, &mime, &data)
	if errors.Is(err, sql.ErrNoRows) {
		err = pingyi.ErrNotFound
	}
	return
}
