package web

import (
	"time"

	"github.com/pingyi/pingyi/internal/store"
)

// defaultZone is the deployment's time zone when Options.TimeZone is not
// set: $PINGYI_TZ, else Asia/Shanghai (store.Location); China Standard
// Time if that cannot be loaded.
var defaultZone = func() *time.Location {
	if z, err := store.Location(); err == nil {
		return z
	}
	return time.FixedZone("CST", 8*3600)
}()
