package web

import (
	"errors"
	"mime"
	"net/http"

	shell "github.com/pingyi/pingyi/internal/web"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// evidenceFile is GET /evidence/{id}: download an evidence file, if the
// viewer's subtree contains its item's org. Always an attachment: an
// uploaded HTML or SVG file must never run on this site.
func (s *Feature) evidenceFile(w http.ResponseWriter, r *http.Request) {
	id := parseID(r.PathValue("id"))
	rectID, name, ctype, data, err := s.st.Evidence(r.Context(), id)
	if errors.Is(err, pingyi.ErrNotFound) || id == 0 {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if s.loadRect(w, r, rectID) == nil {
		return
	}
	if _, _, err := mime.ParseMediaType(ctype); err != nil || ctype == "" {
		ctype = "application/octet-stream"
	}
	shell.Download(w, ctype, name, data)
}
