package store

import "time"

// SetWebCacheTimesForTest shortens the web caches' times (tree summary,
// accounts, session recheck) and returns a function restoring them.
func SetWebCacheTimesForTest(tree, user, session time.Duration) (restore func()) {
	t, u, s := treeTTL, userTTL, sessionRecheck
	treeTTL, userTTL, sessionRecheck = tree, user, session
	return func() { treeTTL, userTTL, sessionRecheck = t, u, s }
}
