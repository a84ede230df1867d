package testclient

import (
	"net/url"
	"strings"
	"testing"
)

// Scenario is one request through the real handler on a real database, as
// one visitor: the status, what the body must and must not contain, and
// what the database must hold afterwards (After, given the test's fixture).
type Scenario[F any] struct {
	Name    string
	As      string // username; "" anonymous
	Method  string // default GET
	Path    string
	Form    url.Values
	File    *Upload  // a multipart upload instead of Form
	Headers []string // name, value pairs
	Status  int
	Has     []string
	HasNot  []string
	After   func(t *testing.T, f F) // checks on the database
}

// Upload is a file for Scenario.File.
type Upload struct{ Name, Content string }

// HTMX is the header of an htmx request.
var HTMX = []string{"HX-Request", "true"}

// Run runs the scenarios, each as a subtest; as gives a client logged in
// as a username ("" anonymous).
func Run[F any](t *testing.T, f F, as func(username string) *Client, scs []Scenario[F]) {
	t.Helper()
	for _, sc := range scs {
		t.Run(sc.Name, func(t *testing.T) {
			c := as(sc.As)
			var st int
			var body string
			switch {
			case sc.File != nil:
				st, body = c.Upload(sc.Path, sc.File.Name, sc.File.Content)
			case sc.Method == "POST":
				st, body = c.Post(sc.Path, sc.Form, sc.Headers...)
			default:
				st, body = c.Get(sc.Path, sc.Headers...)
			}
			if st != sc.Status {
				t.Errorf("status %d, want %d\n%s", st, sc.Status, Excerpt(body))
			}
			for _, s := range sc.Has {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q\n%s", s, Excerpt(body))
				}
			}
			for _, s := range sc.HasNot {
				if strings.Contains(body, s) {
					t.Errorf("body has %q\n%s", s, Excerpt(body))
				}
			}
			if sc.After != nil {
				sc.After(t, f)
			}
		})
	}
}
