package store

import (
	"time"
)

// SetWebCacheTimesForTest shortens the web caches' times (tree summary,
// accounts and tree rows, session recheck) and returns a function
// restoring them.
func SetWebCacheTimesForTest(tree, user, session time.Duration) (restore func()) {
	t, u, c, s := treeTTL, userTTL, childrenTTL, sessionRecheck
	treeTTL, userTTL, childrenTTL, sessionRecheck = tree, user, user, session
	return func() { treeTTL, userTTL, childrenTTL, sessionRecheck = t, u, c, s }
}
