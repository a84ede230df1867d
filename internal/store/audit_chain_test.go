package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// writeAudit writes n entries, alternately in a transaction and alone.
func writeAudit(t *testing.T, s *store.Store, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		var err error
		if i%2 == 0 {
			err = s.Tx(ctx, func(q store.Q) error {
				return store.Audit(ctx, q, store.CLI, "update", "org", fmt.Sprint(i), map[string]int{"n": i}, nil)
			})
		} else {
			err = store.Audit(ctx, s.R(), store.Actor{UserID: 7, Username: "张三"}, "create", "member", fmt.Sprint(i), nil, "x")
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func exec(t *testing.T, s *store.Store, query string, args ...any) {
	t.Helper()
	if _, err := s.R().Exec(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func TestAuditChainIntact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		base, err := s.VerifyAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		writeAudit(t, s, 10)
		h, err := s.VerifyAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if h.Seq != base.Seq+10 || len(h.Hash) != 64 {
			t.Fatalf("head %+v after 10 entries (from %+v)", h, base)
		}
		if got, _ := s.AuditHead(ctx); got.Hash != h.Hash {
			t.Errorf("AuditHead %+v, verify %+v", got, h)
		}
	})
}

// TestAuditChainTampered: each kind of tampering with the table, done
// directly in SQL, is named at its first entry.
func TestAuditChainTampered(t *testing.T) {
	for _, tc := range []struct {
		name string
		sql  []string
		want string
	}{
		{"content changed", []string{`UPDATE audit_log SET after_json = '{"forged":1}' WHERE seq = 4`}, "entry seq 4 (id %d) was changed"},
		{"time changed", []string{`UPDATE audit_log SET at = '2020-01-01T00:00:00Z' WHERE seq = 2`}, "entry seq 2 (id %d) was changed"},
		{"hash changed", []string{`UPDATE audit_log SET hash = 'x' WHERE seq = 5`}, "entry seq 5 (id %d) was changed"},
		{"entry removed", []string{`DELETE FROM audit_log WHERE seq = 3`}, "entry seq 3 is missing (removed)"},
		{"last entry removed", []string{`DELETE FROM audit_log WHERE seq = 8`}, "entry seq 8 is missing (removed)"},
		{"first entry removed", []string{`DELETE FROM audit_log WHERE seq = 1`}, "entry seq 1 is missing (removed)"},
		{"entry inserted without hash", []string{`INSERT INTO audit_log (id, at, action, entity) VALUES (5, '2026-01-01T00:00:00Z', 'delete', 'org')`}, "entry id 5 is not in the chain (inserted)"},
		{"entry inserted as a copy", []string{`INSERT INTO audit_log (id, at, user_id, username, action, entity, entity_id, before_json, after_json, seq, prev_hash, hash)
			SELECT id + 1000000000000, at, user_id, username, action, entity, entity_id, before_json, after_json, seq, prev_hash, hash FROM audit_log WHERE seq = 6`}, "entry seq 6 (id %d) is inserted"},
		{"head rolled back", []string{`UPDATE audit_head SET seq = seq - 1`}, "entry seq 8 is inserted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				ctx := context.Background()
				writeAudit(t, s, 8)
				if _, err := s.VerifyAudit(ctx); err != nil {
					t.Fatal(err)
				}
				want := tc.want
				if strings.Contains(want, "%d") {
					var seq int
					fmt.Sscanf(want[strings.Index(want, "seq ")+4:], "%d", &seq)
					var id int64
					if err := s.R().QueryRow(ctx, `SELECT id FROM audit_log WHERE seq = ? ORDER BY id LIMIT 1`, seq).Scan(&id); err != nil {
						t.Fatal(err)
					}
					if tc.name == "entry inserted as a copy" {
						id += 1000000000000
					}
					want = fmt.Sprintf(want, id)
				}
				for _, q := range tc.sql {
					exec(t, s, q)
				}
				_, err := s.VerifyAudit(ctx)
				if !errors.Is(err, store.ErrAuditTampered) || !strings.Contains(err.Error(), want) {
					t.Fatalf("verify: %v, want %q", err, want)
				}
			})
		})
	}
}

// TestAuditChainConcurrent: writers in parallel keep one linear chain.
func TestAuditChainConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const writers, each = 8, 25
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					errs <- s.Tx(ctx, func(q store.Q) error {
						if _, err := q.Exec(ctx, `UPDATE audit_head SET seq = seq WHERE id = 1`); err != nil {
							return err
						}
						return store.Audit(ctx, q, store.CLI, "update", "org", fmt.Sprintf("%d-%d", w, i), nil, nil)
					})
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		h, err := s.VerifyAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if h.Seq != writers*each {
			t.Fatalf("%d entries chained, want %d", h.Seq, writers*each)
		}
	})
}

// TestAuditChainBatchAndLegacy: entries written before the chain began
// are chained by the first change; AuditBatch chains its entries in order;
// a raw insert after that is named.
func TestAuditChainBatchAndLegacy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		exec(t, s, `INSERT INTO audit_log (id, at, action, entity) VALUES (1, '2025-01-01T00:00:00Z', 'create', 'org'), (2, '2025-01-02T00:00:00Z', 'create', 'org')`)
		h, err := s.VerifyAudit(ctx)
		if err != nil || h.Seq != 0 || h.Unchained != 2 {
			t.Fatalf("before the chain: %+v %v", h, err)
		}
		changes := make([]store.Change, 1200) // more than one multi-row insert
		for i := range changes {
			changes[i] = store.Change{Action: "import", Entity: "star_rating", EntityID: fmt.Sprint(i), After: map[string]int{"stars": i % 7}}
		}
		if err := s.Tx(ctx, func(q store.Q) error { return store.AuditBatch(ctx, q, store.CLI, changes) }); err != nil {
			t.Fatal(err)
		}
		if err := store.Audit(ctx, s.R(), store.CLI, "import", "star_ratings", "2026", nil, nil); err != nil {
			t.Fatal(err)
		}
		h, err = s.VerifyAudit(ctx)
		if err != nil || h.Seq != 2+1200+1 || h.Unchained != 0 {
			t.Fatalf("after: %+v %v", h, err)
		}
		exec(t, s, `INSERT INTO audit_log (id, at, action, entity) VALUES (3, '2025-01-03T00:00:00Z', 'delete', 'org')`)
		if err := store.Audit(ctx, s.R(), store.CLI, "update", "org", "V1", nil, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.VerifyAudit(ctx); err == nil || !strings.Contains(err.Error(), "entry id 3 is not in the chain (inserted)") {
			t.Fatalf("a raw insert after the chain began: %v", err)
		}
	})
}

// BenchmarkAudit is one chained entry in its own transaction.
func BenchmarkAudit(b *testing.B) {
	for _, db := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		b.Run(db.name, func(b *testing.B) {
			s := db.open(b)
			ctx := context.Background()
			for b.Loop() {
				if err := s.Tx(ctx, func(q store.Q) error {
					return store.Audit(ctx, q, store.CLI, "update", "org", "V1", map[string]int{"n": 1}, map[string]int{"n": 2})
				}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
