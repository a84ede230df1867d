package bench

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/pingyi/pingyi/internal/demo"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

// importMembers measures `pingyi import members` of a city's members
// (≈ 600,000) into a fresh database of the same kind whose org tree is
// already there: read and check the CSV file, then the store's
// all-or-nothing import.
func importMembers(ctx context.Context, s *store.Store, o Options, logf func(string, ...any)) Result {
	res := Result{Name: "import-members-600k", Unit: "rows/s"}
	dir, err := os.MkdirTemp("", "pingyi-bench-import-")
	if err != nil {
		res.Skipped = err.Error()
		return res
	}
	defer os.RemoveAll(dir)
	csvPath := filepath.Join(dir, "members.csv")
	t0 := time.Now()
	n, err := writeMembersCSV(csvPath, demo.City, 1)
	if err != nil {
		res.Skipped = err.Error()
		return res
	}
	dsn, cleanup, err := freshDatabase(ctx, s, dir)
	if err != nil {
		res.Skipped = err.Error()
		return res
	}
	defer cleanup()
	dst, err := store.Open(ctx, dsn)
	if err != nil {
		res.Skipped = err.Error()
		return res
	}
	defer dst.Close()
	b, err := dst.NewBulkLoader(ctx)
	if err != nil {
		res.Skipped = err.Error()
		return res
	}
	if err := demo.Generate(demo.City, 1, b.Org, nil); err != nil {
		b.Rollback()
		res.Skipped = err.Error()
		return res
	}
	if err := b.Commit(Actor, "bench import orgs"); err != nil {
		res.Skipped = err.Error()
		return res
	}
	logf("import-members-600k: %d members in %s, orgs loaded into a fresh database (%s)", n, csvPath, time.Since(t0).Round(time.Millisecond))

	mw := watchMemory()
	t := time.Now()
	stats, err := importMembersPath(ctx, dst, csvPath)
	el := time.Since(t)
	mw.done(&res)
	res.Seconds = el.Seconds()
	if err != nil {
		res.Errors = 1
		res.Note = err.Error()
		if len(res.Note) > 300 {
			res.Note = res.Note[:300] + "…"
		}
		return res
	}
	res.Ops = int64(stats.Created + stats.Updated + stats.Unchanged)
	res.Rate = float64(res.Ops) / el.Seconds()
	res.Note = fmt.Sprintf("%d members (%s) from a %s CSV file into a fresh %s database: read, checked, stored with one audit entry for the import",
		n, stats, humanBytes(fileSize(csvPath)), dst.Dialect)
	return res
}

// importMembersPath is what `pingyi import members FILE` does.
func importMembersPath(ctx context.Context, s *store.Store, path string) (store.ImportStats, error) {
	src := store.MemberFile(func(head func([]string, int) error, fn func(tabular.Row) error) error {
		return tabular.EachFile(path, head, fn)
	})
	return s.ImportMembersFrom(ctx, filepath.Base(path), src, store.CLI)
}

// writeMembersCSV writes the members of a generated scale as a member file.
func writeMembersCSV(path string, sc demo.Scale, seed uint64) (int, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	w.Write(append(append([]string{}, store.MemberColumns...), store.MemberOptional...))
	n := 0
	err = demo.Generate(sc, seed, nil, func(m pingyi.Member) error {
		n++
		by := ""
		if m.BirthYear != 0 {
			by = strconv.Itoa(m.BirthYear)
		}
		// code,name,org_code,category,is_secretary,phone,gender,birth_year,home_unit,community_code,id_number
		return w.Write([]string{m.Code, m.Name, m.OrgCode, string(m.Category), strconv.FormatBool(m.IsSecretary),
			m.Phone, m.Gender, by, m.HomeUnit, m.CommunityCode, m.IDNumber})
	})
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// freshDatabase makes an empty database of s's kind: a file in dir for
// SQLite, a new schema on the same server for PostgreSQL.
func freshDatabase(ctx context.Context, s *store.Store, dir string) (string, func(), error) {
	if s.Dialect == store.SQLite {
		return "sqlite:" + filepath.Join(dir, "import.db"), func() {}, nil
	}
	var b [4]byte
	rand.Read(b[:])
	schema := "pingyi_bench_" + hex.EncodeToString(b[:])
	if _, err := s.DB.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		return "", nil, err
	}
	drop := func() { s.DB.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`) }
	u, err := url.Parse(s.DSN)
	if err != nil {
		drop()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func humanBytes(n int64) string {
	return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
}
