package web

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"
	"sync"
)

// The layout around a page's content (header, language switch, account
// menu, navigation, footer: layout_head, layout_top and layout_foot in
// layout.html) is the same for every page a user opens at one address,
// and rendering it through html/template cost more than most pages'
// content (≈ 140 µs of the tree page's ≈ 240 µs). It is rendered once per
// chromeKey and kept in a bounded map; the page's title, flash message and
// content are rendered on every request.

// chrome is the rendered layout of one chromeKey (trusted HTML: rendered
// by html/template, escaped in its own context).
type chrome struct {
	Head, Top, Foot template.HTML
}

// chromeCacheSize bounds the layouts kept (≈ 3 KB each).
const chromeCacheSize = 1024

type chromeCache struct {
	mu sync.RWMutex
	m  map[string]*chrome
}

// chromeKey is everything layout_head, layout_top and layout_foot may
// show: a field they use must be in it.
func chromeKey(v *View) string {
	var b strings.Builder
	b.Grow(128)
	for _, s := range []string{v.Lang, v.Here, v.Version, strings.Join(v.Langs, ",")} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	if v.OOB {
		b.WriteString("oob\x00")
	}
	if u := v.User; u != nil {
		b.WriteString(strconv.FormatInt(u.ID, 10))
		for _, s := range []string{u.Username, u.DisplayName, string(u.Role), u.OrgName} {
			b.WriteByte(0)
			b.WriteString(s)
		}
	}
	b.WriteByte(1)
	for _, n := range v.Nav {
		b.WriteString(n.Key)
		b.WriteByte(0)
		b.WriteString(n.Href)
		if n.Active {
			b.WriteString("\x00a")
		}
		b.WriteByte(1)
	}
	return b.String()
}

// chromeFor returns the rendered layout for v (fill must have run).
func (s *Server) chromeFor(v *View) (*chrome, error) {
	key := chromeKey(v)
	c := &s.chromes
	c.mu.RLock()
	ch, ok := c.m[key]
	c.mu.RUnlock()
	if ok {
		return ch, nil
	}
	set := s.tmpl.frags[v.Lang]
	ch = &chrome{}
	for _, part := range []struct {
		name string
		dst  *template.HTML
	}{{"layout_head", &ch.Head}, {"layout_top", &ch.Top}, {"layout_foot", &ch.Foot}} {
		var buf bytes.Buffer
		if err := set.ExecuteTemplate(&buf, part.name, v); err != nil {
			return nil, err
		}
		*part.dst = template.HTML(buf.String())
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*chrome{}
	}
	if len(c.m) >= chromeCacheSize {
		for k := range c.m { // drop a tenth, arbitrary ones
			delete(c.m, k)
			if len(c.m) < chromeCacheSize*9/10 {
				break
			}
		}
	}
	c.m[key] = ch
	c.mu.Unlock()
	return ch, nil
}
