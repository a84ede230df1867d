package web

import (
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"

	"github.com/pingyi/pingyi/internal/i18n"
)

// Feature is one seed system's web part (appraisal, stars, double report,
// the voice of the masses), plugged into the shell by cli:
//
//	srv, _ := web.New(st, opts)
//	srv.Add(doublereportweb.New(srv, drStore))
//
// The shell never imports a feature. A feature builds its handlers over
// the shell's helpers (Render, Fail, Flash, ActorOf, VisibleOrg, …), so it
// is made with the *Server and added before the first call of Handler.
type Feature interface {
	// Name is the feature's short name ("doublereport"), for errors.
	Name() string
	// Routes are the feature's routes with their access rules; every one
	// must be in the route × role authorization matrix test.
	Routes() []Route
	// Nav are the feature's entries in the main navigation.
	Nav() []NavItem
	// Assets are the feature's templates, translations and static files.
	Assets() Assets
	// Close stops what the feature runs in the background (after the HTTP
	// server has shut down, before the store closes).
	Close()
}

// NavItem is an entry of the main navigation: it shows to the users whom
// the route Pattern lets in. Key is its message.
type NavItem struct {
	Key, Href, Pattern string
}

// Assets are a feature's files, each an fs.FS with these layouts (nil:
// none):
//
//	Templates     pages/NAME.html (a page defines "title" and "content", as
//	              the shell's do) and partials/*.html (fragments); page names
//	              are unique across the shell and every feature
//	Translations  AREA.LANG.toml, e.g. doublereport.zh-CN.toml (i18n.Register)
//	Static        files served under /static/ (the shell's win on a clash)
//	Funcs         template functions of its own, per language
type Assets struct {
	Templates, Translations, Static fs.FS
	Funcs                           func(*i18n.Translator) template.FuncMap
}

// Add plugs a feature in: its translations, static files, templates,
// routes and navigation. Call it before Handler.
func (s *Server) Add(f Feature) error {
	if s.handler != nil {
		return fmt.Errorf("web: Add(%s) after Handler()", f.Name())
	}
	a := f.Assets()
	if a.Translations != nil {
		if err := i18n.Register(a.Translations); err != nil {
			return fmt.Errorf("web: feature %s: translations: %w", f.Name(), err)
		}
	}
	if a.Static != nil {
		if err := s.static.add(a.Static); err != nil {
			return fmt.Errorf("web: feature %s: static: %w", f.Name(), err)
		}
	}
	if a.Templates != nil {
		if err := s.tmpl.addFeature(s, a); err != nil {
			return fmt.Errorf("web: feature %s: templates: %w", f.Name(), err)
		}
	}
	for _, rt := range f.Routes() {
		if err := s.Mount(rt.Pattern, rt.Access, rt.Handler); err != nil {
			return fmt.Errorf("web: feature %s: %w", f.Name(), err)
		}
	}
	s.featureNav = append(s.featureNav, f.Nav()...)
	s.features = append(s.features, f)
	return nil
}

// Features lists the features added, in order.
func (s *Server) Features() []Feature { return slices.Clone(s.features) }

// addFeature parses a feature's templates for every language: its partials
// over the shell's layout and partials, then each page over those.
func (t *templates) addFeature(s *Server, a Assets) error {
	pages, err := fs.Glob(a.Templates, "pages/*.html")
	if err != nil {
		return err
	}
	partials, err := fs.Glob(a.Templates, "partials/*.html")
	if err != nil {
		return err
	}
	for _, lang := range i18n.Supported {
		base, err := t.frags[lang].Clone()
		if err != nil {
			return err
		}
		if a.Funcs != nil {
			base.Funcs(a.Funcs(i18n.For(lang)))
		}
		if len(partials) > 0 {
			if base, err = base.ParseFS(a.Templates, partials...); err != nil {
				return err
			}
		}
		if err := t.addPages(lang, base, a.Templates, pages); err != nil {
			return err
		}
		for _, tm := range base.Templates() {
			name := tm.Name()
			if name == "" || t.frags[lang].Lookup(name) != nil {
				continue
			}
			if t.fragSet[lang] == nil {
				t.fragSet[lang] = map[string]*template.Template{}
			}
			if _, dup := t.fragSet[lang][name]; dup {
				return fmt.Errorf("fragment %q defined by two features", name)
			}
			t.fragSet[lang][name] = base
		}
	}
	return nil
}

// ClientIP is the client's address (the trusted proxy's header, or the
// connection's), for the rate limits of public forms.
func (s *Server) ClientIP(r *http.Request) string { return s.clientIP(r) }

// EmbeddedAssets are a feature's files as it embeds them: the folders
// templates/, locales/ and static/ of files (a folder it lacks: none).
func EmbeddedAssets(files fs.FS) Assets {
	sub := func(dir string) fs.FS {
		if _, err := fs.Stat(files, dir); err != nil {
			return nil
		}
		f, err := fs.Sub(files, dir)
		if err != nil {
			panic(err) // a valid name: cannot happen
		}
		return f
	}
	return Assets{Templates: sub("templates"), Translations: sub("locales"), Static: sub("static")}
}
