package web

import (
	"bytes"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/pingyi/pingyi/internal/doublereport"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	shell "github.com/pingyi/pingyi/internal/web"
)

// wallNeed is a need as the public sees it: no beneficiary, no claimer.
type wallNeed struct {
	Code, Kind, Title, WishType, PublishedOn string
	State                                    rules.NeedState
}

type wallView struct {
	shell.View
	Code, Name string
	Open, Done []wallNeed
}

// wall is GET /wall/{code}: a community's public wish wall (phone first):
// its open needs and the completed ones, with no personal data.
func (f *Feature) wall(w http.ResponseWriter, r *http.Request) {
	key := f.srv.Lang(r) + "\x00" + r.URL.RequestURI()
	gen := f.dr.Generation()
	if e, ok := f.walls.get(key, gen); ok {
		shell.WriteHTML(w, http.StatusOK, e)
		return
	}
	cw := &captureWriter{h: http.Header{}}
	f.wallPage(cw, r)
	for k, v := range cw.h {
		w.Header()[k] = v
	}
	w.WriteHeader(cw.status)
	w.Write(cw.buf.Bytes())
	if cw.status == http.StatusOK {
		f.walls.put(key, gen, cw.buf.Bytes())
	}
}

// wallPage renders the wall.
func (f *Feature) wallPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, name, _, err := f.dr.CommunityOf(ctx, r.PathValue("code"))
	if errors.Is(err, pingyi.ErrNotFound) {
		f.srv.Fail(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	needs, err := f.dr.CommunityNeeds(ctx, id, "")
	if err != nil {
		f.srv.ServerError(w, r, err)
		return
	}
	v := &wallView{Code: r.PathValue("code"), Name: name}
	for _, n := range needs {
		wn := publicNeed(n)
		switch n.State {
		case rules.NeedOpen:
			v.Open = append(v.Open, wn)
		case rules.NeedCompleted, rules.NeedConfirmed:
			v.Done = append(v.Done, wn)
		}
	}
	f.srv.Render(w, r, http.StatusOK, "service_wall", v)
}

func publicNeed(n doublereport.Need) wallNeed {
	return wallNeed{Code: n.Code, Kind: n.Kind, Title: n.Title, WishType: n.WishType, PublishedOn: n.PublishedOn, State: n.State}
}

// wallCache keeps rendered public walls for a short while: the same page
// for everyone (no session, no personal data), dropped at once when this
// process changes the double report and after wallTTL otherwise (changes
// made by another process, e.g. an import from the command line).
type wallCache struct {
	mu sync.Mutex
	m  map[string]wallEntry
}

type wallEntry struct {
	gen  int64
	at   time.Time
	body []byte
}

const wallTTL = 2 * time.Second

func (c *wallCache) get(key string, gen int64) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || e.gen != gen || time.Since(e.at) > wallTTL {
		return nil, false
	}
	return e.body, true
}

func (c *wallCache) put(key string, gen int64, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10000 {
		c.m = make(map[string]wallEntry)
	}
	c.m[key] = wallEntry{gen: gen, at: time.Now(), body: bytes.Clone(body)}
}

// captureWriter keeps what a handler writes.
type captureWriter struct {
	h      http.Header
	status int
	buf    bytes.Buffer
}

func (c *captureWriter) Header() http.Header { return c.h }
func (c *captureWriter) WriteHeader(s int) {
	if c.status == 0 {
		c.status = s
	}
}
func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.buf.Write(b)
}
