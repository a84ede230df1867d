package web

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

// MaxUpload bounds an uploaded file.
const MaxUpload = 32 << 20

type importView struct {
	View
	CanOrgs  bool
	Kind     string // "orgs" or "members": the form the result is about
	FileName string
	Stats    *store.ImportStats
	Errors   []pingyi.FieldError // refused: every bad line and column
	Problem  string              // the file could not be read at all
}

// importPage is GET /import: upload forms for orgs (admin) and members.
func (s *Server) importPage(w http.ResponseWriter, r *http.Request) {
	s.Render(w, r, http.StatusOK, "import", &importView{CanOrgs: CurrentUser(r).Role == pingyi.RoleAdmin})
}

// readUpload reads the uploaded table of field "file" and checks its
// header. A refusal (bad header, bad cells) is returned as an InputError;
// a file that cannot be read at all as another error.
func ReadUpload(w http.ResponseWriter, r *http.Request, required, optional []string, allowExtra bool) (*tabular.Table, string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxUpload)
	f, h, err := r.FormFile("file")
	if err != nil {
		return nil, "", ErrNoFile
	}
	defer f.Close()
	t, err := tabular.ReadContext(r.Context(), f, h.Filename)
	if err != nil {
		return nil, h.Filename, err
	}
	if err := t.Require(required, optional, allowExtra); err != nil {
		return nil, h.Filename, err
	}
	return t, h.Filename, nil
}

var ErrNoFile = errors.New("no file")

// openUpload opens the uploaded file of field "file" (held by the
// multipart reader in memory or in a temporary file) and returns with it
// a reader that streams its rows afresh at every call (for the imports
// that read their file twice, store.MemberFile and store.ReadOrgFile).
func openUpload(w http.ResponseWriter, r *http.Request) (multipart.File, string, func(head func([]string, int) error, fn func(tabular.Row) error) error, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxUpload)
	f, h, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, "", nil, err
		}
		return nil, "", nil, ErrNoFile
	}
	each := func(head func([]string, int) error, fn func(tabular.Row) error) error {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		return tabular.EachContext(r.Context(), f, h.Filename, head, fn)
	}
	return f, h.Filename, each, nil
}

// importResult renders the outcome of an import: 200 with the counts, 422
// with every refused line and column (nothing was changed), 400 for an
// unreadable file.
func (s *Server) importResult(w http.ResponseWriter, r *http.Request, kind, name string, stats store.ImportStats, err error) {
	v := &importView{CanOrgs: CurrentUser(r).Role == pingyi.RoleAdmin, Kind: kind, FileName: name}
	status, errs, problem := s.uploadOutcome(r, err)
	v.Errors, v.Problem = errs, problem
	if err == nil {
		v.Stats = &stats
	}
	s.Render(w, r, status, "import", v)
}

// uploadOutcome is what a page says of an uploaded file's import: 200; 422
// with every refused line and column (nothing was changed); 400 without a
// file or for an unreadable one; 413 for one over MaxUpload.
func (s *Server) uploadOutcome(r *http.Request, err error) (int, []pingyi.FieldError, string) {
	var ie *pingyi.InputError
	var mbe *http.MaxBytesError
	tr := s.Tr(r)
	switch {
	case err == nil:
		return http.StatusOK, nil, ""
	case errors.As(err, &ie):
		return http.StatusUnprocessableEntity, ie.Errors, ""
	case errors.Is(err, ErrNoFile):
		return http.StatusBadRequest, nil, tr.T("import.no_file")
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, nil, tr.T("import.too_big", "MB", MaxUpload>>20)
	default:
		return http.StatusBadRequest, nil, tr.T("import.unreadable", "Detail", fmt.Sprint(err))
	}
}
