package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	shell "github.com/pingyi/pingyi/internal/web"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/tabular"
)

type ballotImportView struct {
	shell.View
	Head     campaignHead
	Done     bool
	FileName string
	Ballots  int
	Ratings  int
	Errors   []pingyi.FieldError // refused: every bad line and column
	Problem  string              // the file could not be read at all
}

// ballotImportPage is GET /campaigns/{code}/ballots: the upload form of
// paper ballots (SPEC §6 ballots file).
func (s *Feature) ballotImportPage(w http.ResponseWriter, r *http.Request) {
	c := s.loadCampaign(w, r)
	if c == nil {
		return
	}
	s.Render(w, r, http.StatusOK, "campaign_ballots", &ballotImportView{Head: s.head(r, c, "ballots")})
}

// ballotImport is POST /campaigns/{code}/ballots: paper ballots entered by
// staff, all or nothing (store.ImportBallots). An org admin's file may
// only rate targets of their subtree: any other row is refused with its
// line and column. Nothing is imported once the campaign has closed (its
// results are out).
func (s *Feature) ballotImport(w http.ResponseWriter, r *http.Request) {
	c := s.loadCampaign(w, r)
	if c == nil {
		return
	}
	v := &ballotImportView{Head: s.head(r, c, "ballots")}
	t, name, err := shell.ReadUpload(w, r, appraisal.BallotColumns, nil, false)
	v.FileName = name
	if err == nil && appraisal.State(c, time.Now()) == appraisal.StateClosed {
		s.ballotImportResult(w, r, v, errCampaignClosed)
		return
	}
	if err != nil {
		s.ballotImportResult(w, r, v, err)
		return
	}
	rows := ballotRows(t)
	if scope := shell.CurrentScope(r); !scope.All() {
		if err := s.checkBallotRowsInScope(r, scope, rows); err != nil {
			s.ballotImportResult(w, r, v, err)
			return
		}
	}
	n, err := s.st.ImportBallots(r.Context(), c, rows, shell.ActorOf(r))
	v.Ballots, v.Ratings = n, len(rows)
	s.ballotImportResult(w, r, v, err)
}

var errCampaignClosed = errors.New("campaign closed")

func ballotRows(t *tabular.Table) []appraisal.BallotRow {
	rows := make([]appraisal.BallotRow, 0, len(t.Rows))
	for _, r := range t.Rows {
		rows = append(rows, appraisal.BallotRow{Line: r.Line, BallotNo: r.Get("ballot_no"), EvaluatorCategory: r.Get("evaluator_category"),
			TargetType: r.Get("target_type"), TargetCode: r.Get("target_code"), Rating: r.Get("rating")})
	}
	return rows
}

// checkBallotRowsInScope refuses rows rating a target outside the
// viewer's managed subtree (the target's org for org and secretary
// targets, the member's org for member targets).
func (s *Feature) checkBallotRowsInScope(r *http.Request, scope pingyi.Scope, rows []appraisal.BallotRow) error {
	var orgCodes, memberCodes []string
	for _, row := range rows {
		if row.TargetType == string(pingyi.TargetMember) {
			memberCodes = append(memberCodes, row.TargetCode)
		} else {
			orgCodes = append(orgCodes, row.TargetCode)
		}
	}
	orgPaths, err := s.st.OrgPathsByCode(r.Context(), orgCodes)
	if err != nil {
		return err
	}
	memberPaths, err := s.st.MemberOrgPathsByCode(r.Context(), memberCodes)
	if err != nil {
		return err
	}
	tr := s.Tr(r)
	bad := &pingyi.InputError{}
	for _, row := range rows {
		paths := orgPaths
		if row.TargetType == string(pingyi.TargetMember) {
			paths = memberPaths
		}
		// Unknown targets are left to ImportBallots, which names them.
		if p, ok := paths[row.TargetCode]; ok && !scope.Manages(p) {
			bad.Add(row.Line, "target_code", "%s", tr.T("campaign_ballots.err_outside", "Code", row.TargetCode))
		}
	}
	return bad.Err()
}

// ballotImportResult renders the outcome: 200 with the count, 422 with
// every refused line and column (nothing was stored), 400 for a file that
// cannot be read, 409 once the campaign has closed.
func (s *Feature) ballotImportResult(w http.ResponseWriter, r *http.Request, v *ballotImportView, err error) {
	var ie *pingyi.InputError
	var mbe *http.MaxBytesError
	tr := s.Tr(r)
	switch {
	case err == nil:
		v.Done = true
		s.Render(w, r, http.StatusOK, "campaign_ballots", v)
	case errors.As(err, &ie):
		v.Errors = ie.Errors
		s.Render(w, r, http.StatusUnprocessableEntity, "campaign_ballots", v)
	case errors.Is(err, errCampaignClosed):
		v.Problem = tr.T("campaign_ballots.closed")
		s.Render(w, r, http.StatusConflict, "campaign_ballots", v)
	case errors.Is(err, shell.ErrNoFile):
		v.Problem = tr.T("import.no_file")
		s.Render(w, r, http.StatusBadRequest, "campaign_ballots", v)
	case errors.As(err, &mbe):
		v.Problem = tr.T("import.too_big", "MB", shell.MaxUpload>>20)
		s.Render(w, r, http.StatusRequestEntityTooLarge, "campaign_ballots", v)
	default:
		v.Problem = tr.T("import.unreadable", "Detail", fmt.Sprint(err))
		s.Render(w, r, http.StatusBadRequest, "campaign_ballots", v)
	}
}
