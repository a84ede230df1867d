package web

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pingyi"
)

// An audit entry as its page shows it.
type auditRow struct {
	ID                   int64
	At                   string // in the deployment's zone
	User                 string
	Action, Entity       string // translated
	EntityID, EntityName string
	Changes              []auditChange // field by field
	Hidden               int           // changes left out of the list (see the entry's page)
	Full                 bool          // every change shown
}

// auditChange is one field: its value before and after ("" for none).
type auditChange struct {
	Field, Before, After string
}

// auditShown bounds the changes listed on the log's page, and the
// characters of a value there.
const (
	auditShown     = 8
	auditValueRune = 200
)

func (s *Server) auditRowOf(tr *i18n.Translator, e pingyi.AuditEntry, names map[string]string) auditRow {
	row := auditRow{ID: e.ID, At: e.At, User: e.Username, Action: auditLabel(tr, "audit_action", e.Action),
		Entity: auditLabel(tr, "audit_entity", e.Entity), EntityID: e.EntityID, EntityName: names[s.auditKeyOf(e)]}
	if t, err := time.Parse(time.RFC3339, e.At); err == nil {
		row.At = t.In(s.zone()).Format("2006-01-02 15:04:05")
	}
	row.Changes = auditChanges(e.Before, e.After)
	for i := range row.Changes {
		c := &row.Changes[i]
		c.Before, c.After = Clip(c.Before, auditValueRune), Clip(c.After, auditValueRune)
	}
	if len(row.Changes) > auditShown {
		row.Hidden = len(row.Changes) - auditShown
		row.Changes = row.Changes[:auditShown]
	}
	return row
}

// auditChanges compares the records before and after a change: for two
// JSON objects (or one, for a creation or a deletion) the fields that
// differ, in order; anything else as one change of the whole value.
func auditChanges(before, after string) []auditChange {
	b, bok := jsonObject(before)
	a, aok := jsonObject(after)
	if !(bok || before == "") || !(aok || after == "") {
		return []auditChange{{Before: before, After: after}}
	}
	var fields []string
	for k := range b {
		fields = append(fields, k)
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			fields = append(fields, k)
		}
	}
	slices.Sort(fields)
	var out []auditChange
	for _, k := range fields {
		bv, av := jsonText(b[k]), jsonText(a[k])
		if bv != av {
			out = append(out, auditChange{Field: k, Before: bv, After: av})
		}
	}
	return out
}

func jsonObject(s string) (map[string]json.RawMessage, bool) {
	if s == "" {
		return nil, false
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil || m == nil {
		return nil, false
	}
	return m, true
}

// jsonText is a JSON value as a person reads it: a string without its
// quotes, null as nothing, anything else compact.
func jsonText(v json.RawMessage) string {
	if len(v) == 0 || string(v) == "null" {
		return ""
	}
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return s
	}
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil {
		return string(v)
	}
	if f, err := strconv.ParseFloat(b.String(), 64); err == nil && f == float64(int64(f)) {
		return strconv.FormatInt(int64(f), 10)
	}
	return b.String()
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
