// Package appraisal is the mass appraisal (群众评议, SPEC §2): campaigns and
// their phases, evaluation units, one-time codes, ballots and their intake
// (group commit), the fold of ballots into tallies, the summary and results
// with the rules of internal/rules, publicity and objections,
// rectification, window units and receipts. Its storage is over the
// platform's *store.Store (plain SQL on its own tables, in the platform's
// transactions); its pages are internal/appraisal/web, the ballot API
// internal/appraisal/api.
package appraisal

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/pingyi/pingyi/internal/store"
)

// Store is the appraisal's storage over the platform's store. It keeps
// in-process state (the results cache, the fold's lock, the codes'
// generation), so there is one per *store.Store: New returns it.
type Store struct {
	*store.Store

	cache   *caches      // in-process read caches (cache.go)
	folded  atomic.Int64 // ballots folded into the tallies by this Store (fold.go)
	foldMu  sync.Mutex   // one fold at a time in this process
	codeGen atomic.Int64 // bumped when codes are deleted: the intakes' code caches start again
}

// New is the appraisal's storage over st: the same for every call with
// the same st.
func New(st *store.Store) *Store {
	return st.Feature("appraisal", func() any {
		return &Store{Store: st, cache: newCaches()}
	}).(*Store)
}

// Settle folds every pending ballot into the tallies (store.Settler).
func (s *Store) Settle(ctx context.Context) error { return s.FoldAll(ctx) }
