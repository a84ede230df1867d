package storetest

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
)

// State is the database by codes, without IDs or times — orgs and
// members, then each part a feature adds (the appraisal's targets,
// tallies and ballots: appraisaltest.State), each sorted and ended by
// "--" — after settling the features' background work (every pending
// ballot folded), so that tests can compare it before and after an
// operation or look for lines in it.
func State(t testing.TB, s *store.Store, parts ...func(testing.TB, *store.Store) string) string {
	t.Helper()
	if err := s.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, query := range []string{
		`SELECT o.code, o.name, o.type, o.domain, COALESCE(p.code, ''), o.window_unit, o.depth FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id`,
		`SELECT m.code, m.name, o.code, m.category, m.is_secretary, m.phone, m.id_number, m.gender, m.birth_year, m.home_unit, m.community_code
			FROM members m JOIN orgs o ON o.id = m.org_id`,
	} {
		b.WriteString(strings.Join(RowLines(t, s, query), "\n") + "\n--\n")
	}
	for _, part := range parts {
		b.WriteString(part(t, s) + "--\n")
	}
	return b.String()
}

// RowLines runs a query and returns its rows as "|"-joined lines, sorted
// by bytes (whatever the database's collation).
func RowLines(t testing.TB, s *store.Store, query string) []string {
	t.Helper()
	rows, err := s.DB.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		f := make([]string, len(vals))
		for i, v := range vals {
			f[i] = v.String
		}
		lines = append(lines, strings.Join(f, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return lines
}

// Dump returns every row of every table of the schema (goose's and the
// sessions' aside), sorted, as one canonical string: a refused import
// must leave it byte for byte as it was. The tables are read from the
// schema, so a feature's new table is in it without a word here.
func Dump(t testing.TB, s *store.Store) string {
	t.Helper()
	tables, err := s.TableLines(context.Background())
	if err != nil {
		t.Fatalf("dump: %v", err)
	}
	names := make([]string, 0, len(tables))
	for name := range tables {
		if name != "sessions" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		b.WriteString("== " + name + "\n")
		for _, l := range tables[name] {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}
