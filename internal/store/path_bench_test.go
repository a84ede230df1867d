package store

import (
	"context"
	"fmt"
	"testing"
)

// TestPathPrefix: on SQLite the subtree condition (a range there) selects
// exactly the paths that start with the prefix. (PostgreSQL keeps LIKE.)
func TestPathPrefix(t *testing.T) {
	for _, dsn := range []string{"sqlite:" + t.TempDir() + "/p.db"} {
		s, err := Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		paths := []string{"/1/", "/1/2/", "/1/2/3/", "/1/20/", "/1/2", "/12/", "/1/3/", "/10/2/", "/1/2/30/"}
		for i, p := range paths {
			if _, err := s.DB.Exec(`INSERT INTO orgs (id, code, name, type, domain, path, depth, updated_at) VALUES (?, ?, 'x', 'branch', 'rural', ?, 0, '')`,
				i+1, fmt.Sprint("O", i), p); err != nil {
				t.Fatal(err)
			}
		}
		for prefix, want := range map[string]int{"/1/": 7, "/1/2/": 3, "/1/2/3/": 1, "/12/": 1, "/9/": 0} {
			cond, args := s.PathPrefix("o.path", prefix)
			var n int
			if err := s.R().QueryRow(context.Background(), `SELECT COUNT(*) FROM orgs o WHERE `+cond, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Errorf("%s: prefix %q selects %d paths, want %d (%s)", s.Dialect, prefix, n, want, cond)
			}
		}
	}
}
