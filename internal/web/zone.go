package web

import (
	"time"
	_ "time/tzdata" // intranet machines may lack the zone database
)

// defaultZone is where Pingyi's users are when Options.TimeZone is not
// set: China Standard Time.
var defaultZone = func() *time.Location {
	if z, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return z
	}
	return time.FixedZone("CST", 8*3600)
}()
