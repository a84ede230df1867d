package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pingyi/pingyi/internal/app"
	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/auth"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/web"
)

// benchUser is the account the page benchmarks log in as (a system admin:
// the whole tree, the whole campaign).
const benchUser = "pingyi-bench"

// slowPage: a page slower than this on its own is not put under the full
// concurrent load (each request would hold its memory at once); it runs
// with slowClients clients instead, and the note says so.
const (
	slowPage    = 250 * time.Millisecond
	slowClients = 2
)

// page measures one web page under concurrent load: the real web handler
// (sessions in the database, templates, middleware, request log formatted
// and discarded) on a loopback listener, o.PageClients clients each logged
// in with its own session, requesting the page for o.PageDuration.
//
// tree-page is GET /orgs (the org tree from the root); results-page is GET
// /campaigns/{code}/results of campaign c (closed: results shown).
func page(ctx context.Context, s *store.Store, name string, c *pingyi.Campaign, o Options, logf func(string, ...any)) Result {
	res := Result{Name: name, Unit: "req/s"}
	path := "/orgs"
	if name == "results-page" {
		path = "/campaigns/" + url.PathEscape(c.Code) + "/results"
		if appraisal.State(c, time.Now()) != appraisal.StateClosed {
			res.Note = "campaign " + c.Code + " is open: the page shows sealed results"
		}
	}
	pw := auth.Generate(16)
	if err := benchAccount(ctx, s, pw); err != nil {
		res.Skipped = err.Error()
		return res
	}
	defer func() {
		if u, err := s.User(context.Background(), benchUser); err == nil {
			u.Disabled = true
			s.UpdateUser(context.Background(), u, Actor)
		}
	}()
	srv, err := app.NewServer(s, web.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		res.Skipped = err.Error()
		return res
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		res.Skipped = err.Error()
		return res
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()

	clients := o.PageClients
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	login := func() (*http.Client, error) {
		jar, _ := cookiejar.New(nil)
		cl := &http.Client{Transport: tr, Jar: jar, Timeout: 2 * time.Minute,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := cl.PostForm(base+"/login", url.Values{"username": {benchUser}, "password": {pw}})
		if err != nil {
			return nil, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
			return nil, fmt.Errorf("login: status %d", resp.StatusCode)
		}
		return cl, nil
	}
	get := func(cl *http.Client) (int, error) {
		resp, err := cl.Get(base + path)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, err
	}
	first, err := login()
	if err != nil {
		res.Skipped = err.Error()
		return res
	}
	// A first request warms the caches (the tree summary, results of the
	// campaign, prepared statements); a second one alone tells how heavy
	// the page is.
	t0 := time.Now()
	st, err := get(first)
	warm := time.Since(t0)
	if err != nil || st != http.StatusOK {
		res.Skipped = fmt.Sprintf("GET %s: status %d, %v", path, st, err)
		return res
	}
	t0 = time.Now()
	st, err = get(first)
	alone := time.Since(t0)
	if err != nil || st != http.StatusOK {
		res.Skipped = fmt.Sprintf("GET %s: status %d, %v", path, st, err)
		return res
	}
	if alone > slowPage {
		clients = slowClients
		res.Note = strings.TrimPrefix(res.Note+fmt.Sprintf("; one request alone takes %s: run with %d clients, not %d", alone.Round(time.Millisecond), clients, o.PageClients), "; ")
	}
	cls := []*http.Client{first}
	for len(cls) < clients {
		cl, err := login()
		if err != nil {
			res.Skipped = err.Error()
			return res
		}
		cls = append(cls, cl)
	}
	logf("%s: GET %s first %s, then alone %s; %d clients for %s", name, path, warm.Round(time.Millisecond), alone.Round(time.Millisecond), clients, o.PageDuration)

	mw := watchMemory()
	cpu0 := cpuTime()
	var errs atomic.Int64
	var firstErr atomic.Value
	lats := make([][]time.Duration, clients)
	var wg sync.WaitGroup
	stop := time.Now().Add(o.PageDuration)
	start := time.Now()
	for i, cl := range cls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) && ctx.Err() == nil {
				t := time.Now()
				st, err := get(cl)
				if err != nil || st != http.StatusOK {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("status %d %v", st, err))
					continue
				}
				lats[i] = append(lats[i], time.Since(t))
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	cpu := cpuTime() - cpu0
	mw.done(&res)
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	slices.Sort(all)
	res.Ops, res.Errors, res.Seconds = int64(len(all)), errs.Load(), el.Seconds()
	res.Rate = float64(len(all)) / el.Seconds()
	res.P50Ms, res.P99Ms = percentile(all, 50), percentile(all, 99)
	if len(all) > 0 {
		res.MaxMs = float64(all[len(all)-1]) / float64(time.Millisecond)
	}
	note := fmt.Sprintf("GET %s, %d clients with their own sessions, %s (the first request, cold: %s)", path, clients, o.PageDuration, warm.Round(time.Millisecond))
	if len(all) > 0 && cpu > 0 {
		// CPU of the whole process (server and clients) per request: less
		// sensitive than req/s to other jobs on the machine.
		note += fmt.Sprintf("; %d µs CPU per request", cpu.Microseconds()/int64(len(all)))
	}
	if fe, _ := firstErr.Load().(string); fe != "" {
		note += "; first error: " + fe
	}
	if res.Note != "" {
		note += "; " + res.Note
	}
	res.Note = note
	return res
}

// benchAccount creates (or resets) the benchmark's system admin account.
func benchAccount(ctx context.Context, s *store.Store, pw string) error {
	hash, err := auth.Hash(pw)
	if err != nil {
		return err
	}
	u, err := s.User(ctx, benchUser)
	switch {
	case errors.Is(err, pingyi.ErrNotFound):
		return s.CreateUser(ctx, &pingyi.User{Username: benchUser, DisplayName: "pingyi bench", Role: pingyi.RoleAdmin, PasswordHash: hash}, Actor)
	case err != nil:
		return err
	}
	u.PasswordHash, u.Disabled = hash, false
	return s.UpdateUser(ctx, u, Actor)
}
