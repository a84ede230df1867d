package cli

import (
	"net/http"
	"strings"

	"github.com/pingyi/pingyi/internal/store"
)

// replicaPages are the pages `serve --db-read` reads from the replica:
// read-only, heavy, and fine a moment old — a campaign's results page and
// its exports (CSV, XLSX), the inspector's summary, and the public
// publicity page. "*" is one path segment. Everything else — writes, the
// ballot and receipt pages (a voter checks what was just stored), the
// dashboard and the pages a change redirects to — reads the primary,
// and sessions and accounts are always read there.
var replicaPages = [][]string{
	{"campaigns", "*", "results"},
	{"campaigns", "*", "results.csv"},
	{"campaigns", "*", "results.xlsx"},
	{"campaigns", "*", "summary"},
	{"p", "*"},
}

func replicaPage(path string) bool {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for _, p := range replicaPages {
		if len(p) != len(segs) {
			continue
		}
		ok := true
		for i := range p {
			if segs[i] == "" || (p[i] != "*" && p[i] != segs[i]) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// readReplica marks the GET and HEAD requests of replicaPages: their
// plain reads go to the read replica (store.ReadReplica).
func readReplica(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && replicaPage(r.URL.Path) {
			r = r.WithContext(store.ReadReplica(r.Context()))
		}
		h.ServeHTTP(w, r)
	})
}
