package store

import (
	"fmt"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // the deployment's zone even where the system has no zoneinfo
)

// DefaultZone is the deployment's time zone unless $PINGYI_TZ names
// another (times are stored in UTC and shown, read and written in it).
const DefaultZone = "Asia/Shanghai"

// Location is the deployment's time zone: $PINGYI_TZ, else DefaultZone.
func Location() (*time.Location, error) {
	name := strings.TrimSpace(os.Getenv("PINGYI_TZ"))
	if name == "" {
		name = DefaultZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("PINGYI_TZ: %w", err)
	}
	return loc, nil
}
