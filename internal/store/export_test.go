package store

import (
	"context"
	"time"
)

// MigrateDownTo rolls the schema back to version v (tests of migrations).
func MigrateDownTo(ctx context.Context, s *Store, v int64) error {
	p, err := s.migrations()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, v)
	return err
}

// MigrateUp applies every migration (tests of migrations).
func MigrateUp(ctx context.Context, s *Store) error { return s.migrate(ctx) }

// SetWebCacheTimesForTest shortens the web caches' times (tree summary,
// accounts and tree rows, session recheck) and returns a function
// restoring them.
func SetWebCacheTimesForTest(tree, user, session time.Duration) (restore func()) {
	t, u, c, s := treeTTL, userTTL, childrenTTL, sessionRecheck
	treeTTL, userTTL, childrenTTL, sessionRecheck = tree, user, user, session
	return func() { treeTTL, userTTL, childrenTTL, sessionRecheck = t, u, c, s }
}
