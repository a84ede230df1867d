package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
)

// BallotLines describes every stored ballot's ratings, a line per rating
// ("campaign|ballot_no|category|unit|target type|target code|rating"),
// sorted: ballots keep their ratings encoded in their own row, and tests
// compare them by what they mean, not by target IDs.
func BallotLines(t testing.TB, s *store.Store) string {
	t.Helper()
	ctx := context.Background()
	targets := map[int64]string{}
	rows, err := s.R().Query(ctx, `SELECT id, type, code FROM targets`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var typ, code string
		if err := rows.Scan(&id, &typ, &code); err != nil {
			t.Fatal(err)
		}
		targets[id] = typ + "|" + code
	}
	rows.Close()
	rows, err = s.R().Query(ctx, `SELECT c.code, COALESCE(b.ballot_no, ''), b.category, o.code, b.ratings FROM ballots b
		JOIN campaigns c ON c.id = b.campaign_id JOIN orgs o ON o.id = b.unit_org_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var c, no, cat, unit string
		var enc []byte
		if err := rows.Scan(&c, &no, &cat, &unit, &enc); err != nil {
			t.Fatal(err)
		}
		rs, err := store.DecodeRatings(enc)
		if err != nil {
			t.Fatal(err)
		}
		for id, r := range rs {
			lines = append(lines, strings.Join([]string{c, no, cat, unit, targets[id], string(r)}, "|"))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

// State is the database by codes, without IDs or times — orgs, members,
// targets with their tallies, unit tallies and ballots (BallotLines), each
// part sorted and ended by "--" — after folding every pending ballot, so
// that tests can compare it before and after an operation or look for
// lines in it.
func State(t testing.TB, s *store.Store) string {
	t.Helper()
	if err := s.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, query := range []string{
		`SELECT o.code, o.name, o.type, o.domain, COALESCE(p.code, ''), o.window_unit, o.depth FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id`,
		`SELECT m.code, m.name, o.code, m.category, m.is_secretary, m.phone, m.id_number, m.gender, m.birth_year, m.home_unit, m.community_code
			FROM members m JOIN orgs o ON o.id = m.org_id`,
		`SELECT c.code, t.type, t.code, t.name, o.code, t.satisfied, t.fairly_satisfied, t.basically_satisfied, t.dissatisfied, t.abstain
			FROM targets t JOIN campaigns c ON c.id = t.campaign_id JOIN orgs o ON o.id = t.unit_org_id`,
		`SELECT c.code, o.code, u.category, u.ballots FROM unit_tallies u JOIN campaigns c ON c.id = u.campaign_id JOIN orgs o ON o.id = u.unit_org_id`,
	} {
		b.WriteString(strings.Join(rowLines(t, s, query), "\n") + "\n--\n")
	}
	b.WriteString(BallotLines(t, s) + "--\n")
	return b.String()
}

// rowLines runs a query and returns its rows as "|"-joined lines, sorted
// by bytes (whatever the database's collation).
func rowLines(t testing.TB, s *store.Store, query string) []string {
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

// dumpTables are every table an import or a campaign can touch.
var dumpTables = []struct{ name, order string }{
	{"orgs", "id"},
	{"members", "id"},
	{"campaigns", "id"},
	{"criteria", "id"},
	{"targets", "id"},
	{"unit_tallies", "campaign_id, unit_org_id, category"},
	{"codes", "code"},
	{"ballots", "id"},
	{"window_daily", "campaign_id, org_id, day"},
	{"users", "id"},
	{"audit_log", "id"},
}

// Dump returns every row of every table, ordered by primary key, as one
// canonical string: a refused import must leave it byte for byte as it was.
func Dump(t testing.TB, s *store.Store) string {
	t.Helper()
	var b strings.Builder
	for _, tb := range dumpTables {
		rows, err := s.DB.Query(`SELECT * FROM ` + tb.name + ` ORDER BY ` + tb.order)
		if err != nil {
			t.Fatalf("dump %s: %v", tb.name, err)
		}
		cols, _ := rows.Columns()
		fmt.Fprintf(&b, "== %s (%s)\n", tb.name, strings.Join(cols, ","))
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("dump %s: %v", tb.name, err)
			}
			for i, v := range vals {
				if i > 0 {
					b.WriteByte('|')
				}
				switch x := v.(type) {
				case nil:
					b.WriteString("NULL")
				case []byte:
					b.WriteString(strconv.Quote(string(x)))
				case string:
					b.WriteString(strconv.Quote(x))
				default:
					fmt.Fprintf(&b, "%v", x)
				}
			}
			b.WriteByte('\n')
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return b.String()
}
