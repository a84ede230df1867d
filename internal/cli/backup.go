package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/pingyi/pingyi/internal/store"
)

func init() {
	register(command{name: "backup", args: "-o FILE",
		short: "write a consistent snapshot of the database (either kind) to one portable file, while serving", run: runBackup})
	register(command{name: "restore", args: "FILE",
		short: "load a backup into an empty database of either kind (all or nothing)", run: runRestore})
}

func runBackup(e *env, args []string) int {
	fs := newFlags(e, "backup", "-o FILE")
	out := fs.String("o", "", "the backup file to write (- for standard output); written beside, then renamed into place")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if len(pos) > 0 || *out == "" {
		fs.Usage()
		return ExitUsage
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	var stats *store.BackupStats
	if *out == "-" {
		stats, err = s.Backup(e.ctx, e.stdout)
		if err != nil {
			return fail(e, err)
		}
	} else {
		stats, err = backupToFile(e, s, *out)
		if err != nil {
			return fail(e, err)
		}
	}
	w := e.stdout
	if *out == "-" {
		w = e.stderr
	}
	fmt.Fprintf(w, "backup of %s at schema version %d, taken %s: %d tables, %d rows\nsha256 %s\n",
		stats.Dialect, stats.SchemaVersion, stats.TakenAt, len(stats.Tables), stats.Rows, stats.SHA256)
	return ExitOK
}

// backupToFile writes the backup beside path, syncs it and renames it into
// place: path is either the old file or the whole new one.
func backupToFile(e *env, s *store.Store, path string) (*store.BackupStats, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	stats, err := s.Backup(e.ctx, f)
	if err != nil {
		return nil, err
	}
	if err := f.Sync(); err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, err
	}
	ok = true
	return stats, nil
}

func runRestore(e *env, args []string) int {
	fs := newFlags(e, "restore", "FILE")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if len(pos) != 1 {
		fs.Usage()
		return ExitUsage
	}
	var r io.Reader = e.stdin
	if pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			return fail(e, err)
		}
		defer f.Close()
		r = f
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	stats, err := s.Restore(e.ctx, r, store.CLI)
	if err != nil {
		// A refusal (store.ErrBackupRefused) or a failed insert: either way
		// the transaction was rolled back.
		fmt.Fprintf(e.stderr, "pingyi restore: %v; nothing was changed\n", err)
		return ExitRefused
	}
	for _, t := range stats.Tables {
		if t.Rows == 0 {
			continue
		}
		fmt.Fprintf(e.stdout, "%-24s %d\n", t.Name, t.Rows)
	}
	fmt.Fprintf(e.stdout, "restored %d rows in %d tables into %s (backup of %s at schema version %d, taken %s)\n",
		stats.Rows, len(stats.Tables), s.Dialect, stats.Dialect, stats.SchemaVersion, stats.TakenAt)
	return ExitOK
}
