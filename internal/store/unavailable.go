package store

import (
	"database/sql/driver"
	"errors"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// Unavailable reports whether err says the database cannot store anything
// for now — the disk is full, the database or its file system is
// read-only, the server is down, starting or out of connections — rather
// than that the request was wrong. Nothing was stored (the transaction
// failed); the same request may succeed once the condition passes, so
// that callers answer 503 with Retry-After and need not log each one.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff { // the primary result code
		case 5, // SQLITE_BUSY: still locked after the busy timeout
			7,  // SQLITE_NOMEM
			8,  // SQLITE_READONLY
			10, // SQLITE_IOERR
			13, // SQLITE_FULL
			14: // SQLITE_CANTOPEN
			return true
		}
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "53"), // insufficient resources: disk full, out of memory, too many connections
			strings.HasPrefix(pe.Code, "08"),                           // connection exception
			pe.Code == "25006",                                         // read-only transaction (a standby, default_transaction_read_only)
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", // shutting down, crashed, starting
			pe.Code == "58030": // I/O error
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.Is(err, driver.ErrBadConn) || errors.As(err, &ne)
}
