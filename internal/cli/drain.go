package cli

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pingyi/pingyi/internal/i18n"
)

// DefaultDrainTimeout is how long serve waits, on SIGTERM, for the requests
// in progress (a ballot's commit, an import, an opinion) before it cuts
// them: systemd's default stop timeout is 90 s.
const DefaultDrainTimeout = 60 * time.Second

// drainer lets serve stop without dropping work: once stopping, every new
// request is answered 503 with Retry-After (and its connection closed),
// while the requests already in progress run to their end and are
// answered.
type drainer struct {
	h        http.Handler
	stopping atomic.Bool
	inFlight atomic.Int64
}

const drainRetryAfter = "5"

func (d *drainer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if d.stopping.Load() {
		h := w.Header()
		h.Set("Retry-After", drainRetryAfter)
		h.Set("Connection", "close")
		h.Set("Cache-Control", "no-store")
		if strings.HasPrefix(r.URL.Path, "/api/") {
			h.Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"error":"shutting_down","message":"` + i18n.For("en").T("security.restarting") + `"}` + "\n"))
			return
		}
		h.Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(i18n.For("zh-CN").T("security.restarting") + "\n" + i18n.For("en").T("security.restarting") + "\n")) // before any locale is known: both
		return
	}
	d.inFlight.Add(1)
	defer d.inFlight.Add(-1)
	d.h.ServeHTTP(w, r)
}

// drain stops hs: new requests are refused with 503 while the ones in
// progress finish, then the server shuts down (closing its listener and
// idle connections, waiting for any request that slipped in). After
// timeout the connections left are cut. The caller then stops the
// writers behind the handlers (web.Server.Close flushes the ballot and
// opinion intakes) and only then closes the database.
func drain(hs *http.Server, d *drainer, timeout time.Duration, log *slog.Logger) {
	t0 := time.Now()
	d.stopping.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for d.inFlight.Load() > 0 && ctx.Err() == nil {
		select {
		case <-tick.C:
		case <-ctx.Done():
		}
	}
	if err := hs.Shutdown(ctx); err != nil {
		log.Warn("shutdown: requests still in progress cut", "after", timeout, "err", err)
		hs.Close()
		return
	}
	log.Info("requests in progress finished", "took", time.Since(t0).Round(time.Millisecond))
}
