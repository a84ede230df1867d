package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
)

const auditLimit = 200

type auditEntry struct {
	pingyi.AuditEntry
	BeforePretty, AfterPretty string
}

type auditView struct {
	View
	Entity  string
	Entries []auditEntry
}

// auditLog is GET /audit[?entity=user]: the newest changes first, with the
// record before and after.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	entity := strings.TrimSpace(r.URL.Query().Get("entity"))
	es, err := s.st.AuditLog(r.Context(), entity, "", auditLimit)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v := &auditView{Entity: entity, Entries: make([]auditEntry, len(es))}
	for i, e := range es {
		v.Entries[i] = auditEntry{AuditEntry: e, BeforePretty: prettyJSON(e.Before), AfterPretty: prettyJSON(e.After)}
	}
	s.Render(w, r, http.StatusOK, "audit", v)
}

func prettyJSON(s string) string {
	if s == "" {
		return ""
	}
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(s), "", "  "); err != nil {
		return s
	}
	return b.String()
}
