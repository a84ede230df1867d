package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pingyi/pingyi/internal/appraisal"
	shell "github.com/pingyi/pingyi/internal/web"
)

// rectificationEvidence is POST /rectifications/{id}/evidence: attach a
// file (photo, scan, document; up to appraisal.MaxEvidenceSize).
func (s *Feature) rectificationEvidence(w http.ResponseWriter, r *http.Request) {
	it := s.rectForChange(w, r)
	if it == nil {
		return
	}
	refuse := func(status int, key string, args ...any) {
		v := s.rectView(r, it)
		v.Errors = map[string]string{"file": s.Tr(r).T(key, args...)}
		s.Render(w, r, status, "rectification", v)
	}
	r.Body = http.MaxBytesReader(w, r.Body, appraisal.MaxEvidenceSize+64<<10)
	file, h, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			refuse(http.StatusRequestEntityTooLarge, "rectification.err_file_size", "MB", appraisal.MaxEvidenceSize>>20)
			return
		}
		refuse(http.StatusBadRequest, "import.no_file")
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, appraisal.MaxEvidenceSize+1))
	if err != nil {
		refuse(http.StatusBadRequest, "import.no_file")
		return
	}
	if len(data) == 0 || len(data) > appraisal.MaxEvidenceSize {
		refuse(http.StatusUnprocessableEntity, "rectification.err_file_size", "MB", appraisal.MaxEvidenceSize>>20)
		return
	}
	name := shell.Clip(strings.TrimSpace(filepath.Base(strings.ReplaceAll(h.Filename, `\`, "/"))), 200)
	if name == "" || name == "." || name == "/" {
		name = "file"
	}
	ctype := h.Header.Get("Content-Type")
	if _, _, err := mime.ParseMediaType(ctype); err != nil || ctype == "" || ctype == "application/octet-stream" {
		ctype = http.DetectContentType(data)
	}
	if err := s.st.AddEvidence(r.Context(), it.ID, name, ctype, data, shell.ActorOf(r)); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Flash(r, "rectification.file_added")
	shell.Redirect(w, r, "/rectifications/"+strconv.FormatInt(it.ID, 10)+"#evidence")
}
