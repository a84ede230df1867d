package app_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/demo"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// tinyScale is a district of a few dozen orgs: a tree, members and, with
// ballots, a closed campaign with its tallies.
func tinyScale() demo.Scale {
	s := demo.District
	s.Name, s.Towns, s.Streets = "tiny", 2, 1
	s.Villages, s.Communities, s.Agencies, s.StateEnterprises = 4, 2, 1, 1
	s.AgenciesPerTown, s.EnterprisesPerTown, s.NewEconomicPerTown, s.NewSocialPerTown = 1, 1, 1, 1
	s.VillageSize, s.CommunitySize, s.OtherSize = demo.Range{Min: 3, Max: 6}, demo.Range{Min: 3, Max: 6}, demo.Range{Min: 2, Max: 4}
	return s
}

// backupSeed fills a database with a bit of everything: a generated
// tree (bulk loaded), a campaign with paper ballots closed since, an open
// campaign (opsSeed) with an account, codes, paper and phone ballots and a
// receipt, a session.
func backupSeed(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	b, err := s.NewBulkLoader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Generate(tinyScale(), 7, b.Org, b.Member); err != nil {
		b.Rollback()
		t.Fatal(err)
	}
	if err := b.Commit(store.CLI, "demo tiny"); err != nil {
		t.Fatal(err)
	}
	c := opsSeed(t, s)
	closed := &pingyi.Campaign{Code: "Y", Name: "年终评议", ScopeCode: "D", Kind: pingyi.KindMass, Year: 2025}
	if err := appraisal.New(s).CreateCampaign(ctx, closed, store.CLI); err != nil {
		t.Fatal(err)
	}
	if _, err := appraisal.New(s).ImportBallots(ctx, closed, opsPaper(0, 4, "satisfied"), store.CLI); err != nil {
		t.Fatal(err)
	}
	if _, err := appraisal.New(s).ImportBallots(ctx, closed, opsPaper(4, 2, "dissatisfied"), store.CLI); err != nil {
		t.Fatal(err)
	}
	closed.Opens = time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339)
	closed.Closes = time.Now().Add(-time.Second).UTC().Format(time.RFC3339)
	if err := appraisal.New(s).UpdateCampaign(ctx, closed, "", "", store.CLI); err != nil {
		t.Fatal(err)
	}
	if _, err := appraisal.New(s).ImportBallots(ctx, c, opsPaper(0, 3, "satisfied"), store.CLI); err != nil {
		t.Fatal(err)
	}
	codes, err := appraisal.New(s).IssueCodes(ctx, c, "B", pingyi.EvalMassRep, 5, store.CLI)
	if err != nil {
		t.Fatal(err)
	}
	// A phone ballot: a spent code, a receipt.
	if _, err := appraisal.New(s).SubmitBallot(ctx, codes[0], []appraisal.RatingInput{{TargetType: "org", TargetCode: "B", Rating: "dissatisfied"}}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.R().Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)`, "tok", []byte{0, 1, 2, 255, '\n'}, 4102444800); err != nil {
		t.Fatal(err)
	}
}

// opsSeed: a committee D over a branch B (secretary M1, member M2), an
// account, and an open mass campaign over D (like sealSeed, kept here so
// that these tests do not depend on another file's helpers).
func opsSeed(t *testing.T, s *store.Store) *pingyi.Campaign {
	t.Helper()
	ctx := context.Background()
	if _, err := s.ImportOrgs(ctx, []store.OrgRow{
		{Line: 2, Code: "D", Name: "某镇党委", Type: "committee", Domain: "rural"},
		{Line: 3, Code: "B", Name: "某村党支部", Type: "branch", Domain: "rural", ParentCode: "D"},
	}, store.CLI); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportMembers(ctx, []store.MemberRow{
		{Line: 2, Code: "M1", Name: "陈书记", OrgCode: "B", Category: "farming", IsSecretary: "true", Phone: "13800000000"},
		{Line: 3, Code: "M2", Name: "周敏", OrgCode: "B", Category: "farming"},
	}, store.CLI); err != nil {
		t.Fatal(err)
	}
	b, err := s.Org(ctx, "B")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, &pingyi.User{Username: "bsec", Role: pingyi.RoleSecretary, OrgID: b.ID, PasswordHash: "x"}, store.CLI); err != nil {
		t.Fatal(err)
	}
	c := &pingyi.Campaign{Code: "S", Name: "备份", ScopeCode: "D", Kind: pingyi.KindMass, Year: 2026}
	if err := appraisal.New(s).CreateCampaign(ctx, c, store.CLI); err != nil {
		t.Fatal(err)
	}
	return c
}

// opsPaper are n paper ballots rating B, its secretary and members.
func opsPaper(from, n int, rating string) []appraisal.BallotRow {
	var rows []appraisal.BallotRow
	for i := range n {
		no := "P" + string(rune('A'+from+i))
		for _, tg := range [][2]string{{"org", "B"}, {"secretary", "B"}, {"member", "M1"}, {"member", "M2"}} {
			rows = append(rows, appraisal.BallotRow{Line: len(rows) + 2, BallotNo: no, EvaluatorCategory: "mass_rep", TargetType: tg[0], TargetCode: tg[1], Rating: rating})
		}
	}
	return rows
}

// snapshot is what a restore must keep: every table's rows, every
// campaign's results, the audit chain's length.
type snapshot struct {
	tables  map[string][]string
	results map[string]string
	audit   store.AuditHead
}

func takeSnapshot(t *testing.T, s *store.Store) snapshot {
	t.Helper()
	ctx := context.Background()
	// Results fold pending ballots into the tallies: fold first, so that
	// reading the results changes nothing.
	if err := appraisal.New(s).FoldAll(ctx); err != nil {
		t.Fatal(err)
	}
	tl, err := s.TableLines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sn := snapshot{tables: tl, results: map[string]string{}}
	rows, err := s.R().Query(ctx, `SELECT code FROM campaigns`)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for rows.Next() {
		var c string
		rows.Scan(&c)
		codes = append(codes, c)
	}
	rows.Close()
	if len(codes) < 2 {
		t.Fatalf("seed made %d campaigns", len(codes))
	}
	for _, code := range codes {
		c, err := appraisal.New(s).Campaign(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		r, err := appraisal.New(s).Results(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		sn.results[code] = string(b)
	}
	if sn.audit, err = s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	return sn
}

// sameAfterRestore compares a restored database with its source: every
// table equal row for row, except that the restore's own audit entry has
// been added to the chain.
func sameAfterRestore(t *testing.T, before, after snapshot) {
	t.Helper()
	for name, rows := range before.tables {
		got, ok := after.tables[name]
		if !ok {
			t.Errorf("table %s missing after restore", name)
			continue
		}
		switch name {
		case "audit_head":
			continue
		case "audit_log":
			if len(got) != len(rows)+1 {
				t.Errorf("audit_log: %d rows before, %d after (want one more: the restore)", len(rows), len(got))
			}
			for _, r := range rows {
				if _, found := slices.BinarySearch(got, r); !found {
					t.Errorf("audit_log lost %s", r)
				}
			}
			continue
		}
		if !slices.Equal(rows, got) {
			t.Errorf("table %s: %d rows before, %d after, or different rows", name, len(rows), len(got))
			for i := range min(len(rows), len(got)) {
				if rows[i] != got[i] {
					t.Errorf("first difference:\n%s\n%s", rows[i], got[i])
					break
				}
			}
		}
	}
	if len(before.tables) != len(after.tables) {
		t.Errorf("%d tables before, %d after", len(before.tables), len(after.tables))
	}
	for code, r := range before.results {
		if after.results[code] != r {
			t.Errorf("campaign %s: results differ after restore:\n%s\n%s", code, r, after.results[code])
		}
	}
	if after.audit.Seq != before.audit.Seq+1 {
		t.Errorf("audit chain: %d entries before, %d after (want one more)", before.audit.Seq, after.audit.Seq)
	}
}

func openDSN(t *testing.T, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestBackupRoundTrip: SQLite and PostgreSQL each way, every row, every
// result and the audit chain kept.
func TestBackupRoundTrip(t *testing.T) {
	kinds := map[string]func(testing.TB) string{"sqlite": storetest.SQLiteDSN, "postgres": storetest.PostgresDSN}
	for _, from := range []string{"sqlite", "postgres"} {
		for _, to := range []string{"sqlite", "postgres"} {
			t.Run(from+"_to_"+to, func(t *testing.T) {
				ctx := context.Background()
				src := openDSN(t, kinds[from](t))
				dstDSN := kinds[to](t)
				backupSeed(t, src)
				before := takeSnapshot(t, src)
				var buf bytes.Buffer
				st, err := src.Backup(ctx, &buf)
				if err != nil {
					t.Fatal(err)
				}
				if st.Rows == 0 || len(st.Tables) != len(before.tables) {
					t.Fatalf("backup: %d rows in %d tables, want %d tables", st.Rows, len(st.Tables), len(before.tables))
				}
				for _, tr := range st.Tables {
					if int(tr.Rows) != len(before.tables[tr.Name]) {
						t.Errorf("backup: %s: %d rows, the database has %d", tr.Name, tr.Rows, len(before.tables[tr.Name]))
					}
				}
				dst := openDSN(t, dstDSN)
				rst, err := dst.Restore(ctx, bytes.NewReader(buf.Bytes()), store.CLI)
				if err != nil {
					t.Fatal(err)
				}
				if rst.Rows != st.Rows || rst.SHA256 != st.SHA256 {
					t.Errorf("restored %d rows (%s), backed up %d (%s)", rst.Rows, rst.SHA256, st.Rows, st.SHA256)
				}
				dst.Close()
				sameAfterRestore(t, before, takeSnapshot(t, openDSN(t, dstDSN)))
			})
		}
	}
}

// TestRestoreRefusals: a non-empty database, another schema version, a
// truncated or altered file — each refused, nothing changed.
func TestRestoreRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		backupSeed(t, s)
		var buf bytes.Buffer
		if _, err := s.Backup(ctx, &buf); err != nil {
			t.Fatal(err)
		}
		good := buf.Bytes()
		lines := gunzipLines(t, good)

		// Into the (non-empty) source itself.
		before := takeSnapshot(t, s)
		_, err := s.Restore(ctx, bytes.NewReader(good), store.CLI)
		if !errors.Is(err, store.ErrBackupRefused) || !strings.Contains(err.Error(), "not empty") {
			t.Fatalf("restore into a non-empty database: %v", err)
		}
		after := takeSnapshot(t, s)
		if fmt.Sprint(before) != fmt.Sprint(after) {
			t.Fatal("a refused restore changed the database")
		}

		// One member row added to an otherwise empty database.
		one := storetest.SQLite(t)
		if _, err := one.ImportOrgs(ctx, []store.OrgRow{{Line: 2, Code: "X", Name: "某党委", Type: "committee", Domain: "rural"}}, store.CLI); err != nil {
			t.Fatal(err)
		}
		if _, err := one.Restore(ctx, bytes.NewReader(good), store.CLI); !errors.Is(err, store.ErrBackupRefused) {
			t.Fatalf("restore into a database with one org: %v", err)
		}

		var hdr map[string]any
		json.Unmarshal([]byte(lines[0]), &hdr)
		hdr["schema_version"] = hdr["schema_version"].(float64) - 1
		h, _ := json.Marshal(hdr)
		otherVersion := gzipLines(append([]string{string(h)}, lines[1:]...))

		altered := slices.Clone(lines)
		for i, l := range altered {
			if strings.Contains(l, "某村党支部") {
				altered[i] = strings.Replace(l, "某村党支部", "某村党总支", 1)
				break
			}
		}
		// A member twice (counts adjusted): the insert fails on its key.
		var dup []string
		for i := 0; i < len(lines); i++ {
			l := lines[i]
			if strings.HasPrefix(l, `{"table":"members",`) {
				var m map[string]any
				json.Unmarshal([]byte(l), &m)
				m["rows"] = m["rows"].(float64) + 1
				b, _ := json.Marshal(m)
				dup = append(dup, string(b), lines[i+1], lines[i+1])
				i++
				continue
			}
			dup = append(dup, l)
		}
		var dh map[string]any
		json.Unmarshal([]byte(dup[0]), &dh)
		for _, tb := range dh["tables"].([]any) {
			if tb := tb.(map[string]any); tb["name"] == "members" {
				tb["rows"] = tb["rows"].(float64) + 1
			}
		}
		h, _ = json.Marshal(dh)
		dup[0] = string(h)
		duplicate := gzipLines(dup)

		flipped := slices.Clone(good)
		flipped[len(flipped)/2] ^= 0x40

		for name, c := range map[string]struct {
			data []byte
			want string
		}{
			"truncated":       {good[:len(good)*2/3], "truncated"},
			"truncated early": {good[:40], ""},
			"no trailer":      {gzipLines(lines[:len(lines)-1]), "trailer"},
			"altered row":     {gzipLines(altered), "checksum"},
			"flipped bit":     {flipped, ""},
			"duplicate row":   {duplicate, "restore members"},
			"other version":   {otherVersion, "schema version"},
			"not a backup":    {[]byte("id,name\n1,x\n"), "not a Pingyi backup"},
			"empty":           {nil, "not a Pingyi backup"},
		} {
			t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
				fresh := storetest.SQLite(t)
				if s.Dialect == store.Postgres {
					fresh = storetest.Postgres(t)
				}
				empty := takeTables(t, fresh)
				_, err := fresh.Restore(ctx, bytes.NewReader(c.data), store.CLI)
				if err == nil {
					t.Fatal("restored")
				}
				if !strings.Contains(err.Error(), c.want) {
					t.Errorf("error %q does not say %q", err, c.want)
				}
				if got := takeTables(t, fresh); fmt.Sprint(got) != fmt.Sprint(empty) {
					t.Error("a refused restore changed the database")
				}
				// The same database takes the good file afterwards.
				if _, err := fresh.Restore(ctx, bytes.NewReader(good), store.CLI); err != nil {
					t.Fatalf("after a refusal, the good backup: %v", err)
				}
			})
		}
	})
}

func takeTables(t *testing.T, s *store.Store) map[string][]string {
	t.Helper()
	tl, err := s.TableLines(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tl
}

func gunzipLines(t *testing.T, b []byte) []string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
}

func gzipLines(lines []string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	io.WriteString(zw, strings.Join(lines, "\n")+"\n")
	zw.Close()
	return b.Bytes()
}

// TestBackupUncarriableColumn: a column of a type a backup cannot carry
// fails the backup, naming it.
func TestBackupUncarriableColumn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, err := s.R().Exec(ctx, `CREATE TABLE extra_measures (id BIGINT PRIMARY KEY, weight REAL)`); err != nil {
			t.Fatal(err)
		}
		_, err := s.Backup(ctx, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "extra_measures.weight") {
			t.Fatalf("backup with a REAL column: %v", err)
		}
	})
}

// TestBackupWhileWriting: writers go on adding audited changes during the
// backup; the backup is one snapshot, so its audit chain (entries and
// head, read at different moments) verifies after restore.
func TestBackupWhileWriting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		backupSeed(t, s)
		var stop atomic.Bool
		var wg sync.WaitGroup
		var writes atomic.Int64
		for w := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; !stop.Load(); i++ {
					code := fmt.Sprintf("W%d-%d", w, i)
					if _, err := s.ImportOrgs(ctx, []store.OrgRow{{Line: 2, Code: code, Name: "并发党支部", Type: "branch", Domain: "rural", ParentCode: "D"}}, store.CLI); err != nil {
						t.Error(err)
						return
					}
					writes.Add(1)
				}
			}()
		}
		for writes.Load() < 5 && !t.Failed() {
			runtime.Gosched() // let the writers start
		}
		var buf bytes.Buffer
		_, err := s.Backup(ctx, &buf)
		stop.Store(true)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		dst := storetest.SQLite(t)
		if _, err := dst.Restore(ctx, &buf, store.CLI); err != nil {
			t.Fatal(err)
		}
		h, err := dst.VerifyAudit(ctx)
		if err != nil {
			t.Fatalf("audit chain of a backup taken while writing: %v", err)
		}
		var orgs int64
		dst.R().QueryRow(ctx, `SELECT COUNT(*) FROM orgs WHERE code LIKE 'W%'`).Scan(&orgs)
		t.Logf("%d concurrent imports, %d in the backup; %d audit entries", writes.Load(), orgs, h.Seq)
	})
}
