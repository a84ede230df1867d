package web

import (
	"html/template"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// thingFeature is a feature as a feature package writes one.
type thingFeature struct {
	s      *Server
	closed int
	pages  string // the page template's file name
}

func (f *thingFeature) Name() string { return "thing" }

func (f *thingFeature) Routes() []Route {
	return []Route{
		{"GET /things", Read(Staff...), func(w http.ResponseWriter, r *http.Request) {
			f.s.Render(w, r, http.StatusOK, "things", &thingsView{Count: 3})
		}},
		{"GET /things/row", Read(Staff...), func(w http.ResponseWriter, r *http.Request) {
			f.s.Fragment(w, r, http.StatusOK, "thing_row", &thingsView{Count: 4})
		}},
	}
}

type thingsView struct {
	View
	Count int
}

func (f *thingFeature) Nav() []NavItem {
	return []NavItem{{Key: "thing.nav", Href: "/things", Pattern: "GET /things"}}
}

func (f *thingFeature) Assets() Assets {
	return Assets{
		Templates: fstest.MapFS{
			f.pages:                {Data: []byte(`{{define "title"}}{{T "thing.title"}}{{end}}{{define "content"}}<p id="n">{{twice .Count}}</p>{{template "thing_row" .}}{{end}}`)},
			"partials/things.html": {Data: []byte(`{{define "thing_row"}}<i>{{T "thing.row" "N" .Count}}</i>{{end}}`)},
		},
		Translations: fstest.MapFS{
			"thing.zh-CN.toml": {Data: []byte("[thing]\nnav = \"物件\"\ntitle = \"物件清单\"\nrow = \"共 {{.N}} 件\"\n")},
			"thing.en.toml":    {Data: []byte("[thing]\nnav = \"Things\"\ntitle = \"Things\"\nrow = \"{{.N}} things\"\n")},
		},
		Static: fstest.MapFS{"thing/thing.js": {Data: []byte("// thing")}},
		Funcs: func(tr *i18n.Translator) template.FuncMap {
			return template.FuncMap{"twice": func(n int) int { return 2 * n }}
		},
	}
}

func (f *thingFeature) Close() { f.closed++ }

func TestFeatureAdd(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t), Options{})
	th := &thingFeature{s: f.srv, pages: "pages/things.html"}
	// newFixture has made the handler: a new server takes the feature.
	srv, err := New(f.st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	th.s = srv
	if err := srv.Add(th); err != nil {
		t.Fatal(err)
	}
	if err := srv.Add(&thingFeature{s: srv, pages: "pages/things.html"}); err == nil {
		t.Error("a feature whose page and routes exist was added")
	}
	if err := srv.Add(&thingFeature{s: srv, pages: "pages/orgs.html"}); err == nil || !strings.Contains(err.Error(), "orgs") {
		t.Errorf("a feature redefining the shell's page orgs: %v", err)
	}
	f.ts.Config.Handler = srv.Handler()
	if err := srv.Add(&thingFeature{s: srv, pages: "pages/other.html"}); err == nil {
		t.Error("Add after Handler was accepted")
	}

	c := f.as("orgadmin")
	st, body := c.get("/things")
	if st != 200 || !strings.Contains(body, "<title>物件清单") || !strings.Contains(body, `<p id="n">6</p>`) || !strings.Contains(body, "<i>共 3 件</i>") {
		t.Errorf("feature page: %d\n%s", st, excerpt(body))
	}
	if !strings.Contains(body, `href="/things"`) || !strings.Contains(body, "物件</a>") {
		t.Errorf("feature nav entry missing:\n%s", body)
	}
	if _, b := c.get("/things/row"); !strings.Contains(b, "<i>共 4 件</i>") {
		t.Errorf("feature fragment: %s", b)
	}
	c.Lang = "en"
	if _, b := f.as("member").get("/"); strings.Contains(b, `href="/things"`) {
		t.Error("nav entry shown to a role the route refuses")
	}
	if st, b := c.get("/static/thing/thing.js"); st != 200 || b != "// thing" {
		t.Errorf("feature static file: %d %q", st, b)
	}
	srv.Close()
	if th.closed != 1 {
		t.Errorf("feature closed %d times, want 1", th.closed)
	}
}
