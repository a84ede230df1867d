package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path"

	"github.com/pressly/goose/v3"
)

// Migration is one schema migration, applied or pending.
type Migration struct {
	Version int64
	Name    string // its file (a Go migration: the Go source's name)
	Go      bool   // a Go migration (its steps differ per database)
}

// PendingMigrations reports the schema version of the database at dsn and
// the migrations Open would apply to it, changing nothing: a SQLite file
// that does not exist is not created (every migration is pending), and a
// database without goose's table is read as version 0.
func PendingMigrations(ctx context.Context, dsn string) (int64, []Migration, error) {
	dialect, conn, err := ParseDSN(dsn)
	if err != nil {
		return 0, nil, err
	}
	exists := true
	var db *sql.DB
	switch dialect {
	case SQLite:
		if _, err := os.Stat(conn); errors.Is(err, os.ErrNotExist) {
			exists = false
		} else if err != nil {
			return 0, nil, err
		}
		db, err = sql.Open("sqlite", sqliteDSN(conn))
	case Postgres:
		db, err = sql.Open("pgx", conn)
	}
	if err != nil {
		return 0, nil, err
	}
	defer db.Close()
	s := &Store{DB: db, Dialect: dialect}
	p, err := s.migrations()
	if err != nil {
		return 0, nil, err
	}
	if exists {
		if err := db.PingContext(ctx); err != nil {
			return 0, nil, fmt.Errorf("connect %s: %w", dialect, err)
		}
		var n int
		q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
		if dialect == Postgres {
			q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?`
		}
		if err := s.R().QueryRow(ctx, q, gooseTable).Scan(&n); err != nil {
			return 0, nil, err
		}
		exists = n > 0
	}
	var pending []Migration
	var current int64
	if !exists {
		for _, src := range p.ListSources() {
			pending = append(pending, Migration{Version: src.Version, Name: path.Base(src.Path), Go: src.Type == goose.TypeGo})
		}
		return 0, pending, nil
	}
	st, err := p.Status(ctx)
	if err != nil {
		return 0, nil, err
	}
	for _, m := range st {
		if m.State == goose.StateApplied {
			current = max(current, m.Source.Version)
			continue
		}
		pending = append(pending, Migration{Version: m.Source.Version, Name: path.Base(m.Source.Path), Go: m.Source.Type == goose.TypeGo})
	}
	return current, pending, nil
}
