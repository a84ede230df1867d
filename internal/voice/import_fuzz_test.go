package voice_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/tabular"
	"github.com/pingyi/pingyi/internal/voice"
)

// ledgerCSV writes generated ledger rows as an opinions import file.
func ledgerCSV(tb testing.TB, rows []voice.ImportRow) []byte {
	tb.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(voice.ImportColumns)
	for _, r := range rows {
		w.Write([]string{r.EventNo, r.Ref, r.Event, r.At, r.OrgCode, r.Channel, r.Urgency, r.Category, r.Outcome, r.Rating, r.Content})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// FuzzImportOpinions feeds arbitrary bytes, as CSV or (when they start
// like a zip) XLSX, through what `pingyi opinions import` does
// (tabular.Read, the header check, voice.ImportRows, Voice.Import) on
// SQLite holding the test tree. Either the file is refused with an input
// error naming lines (and columns past the header) and the opinions,
// their events and the audit log are as they were, or it is accepted: one
// event stored per row at least (a rate of an unseen reply records seen
// first), and importing the same file again is refused (its event numbers
// are taken) and changes nothing.
func FuzzImportOpinions(f *testing.F) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, cst)
	var gen []voice.ImportRow
	if err := voice.Generate(voice.GenOptions{Orgs: []string{"V1", "V2", "V3", "T1"}, N: 6, From: now.AddDate(0, -2, 0), Now: now, Seed: 7, Prefix: "F",
		Cal: rules.NewCalendar(nil), Loc: cst}, func(r voice.ImportRow) error { gen = append(gen, r); return nil }); err != nil {
		f.Fatal(err)
	}
	f.Add(ledgerCSV(f, gen))
	f.Add(ledgerCSV(f, gen[:1]))
	head := strings.Join(voice.ImportColumns, ",") + "\n"
	for _, s := range []string{
		head + "X1,R1,file,2026-11-02 09:00,V1,hotline,normal,help,,,路灯坏了\nX2,R1,assign,2026-11-02 10:00,V1,,,,,,\n",
		head + "X1,R1,file,2026-13-02 09:00,V1,hotline,normal,help,,,路灯坏了\nX1,R1,file,2026-11-02,NOPE,nosuch,x,y,z,w,\n",
		head + "X1,R1,reply,2026-11-02 09:00,V1,,,,resolved,,\n",
		head + "X1,R1,file,2026-11-02 09:00,V1,hotline,normal,help,,,\"=1+1\"\"\n,\"\n",
		head + "X1,R1\x00,file,2026-11-02 09:00,V1,hotline,normal,help,,,x\n",
		head + "X1,R1,file,2026-11-02 09:00,V1,hotline,normal,help,,," + strings.Repeat("长", 5001) + "\n",
		"\uFEFF" + strings.ReplaceAll(head+"X1,R1,file,2026-11-02 09:00,V1,hotline,normal,help,,,x\n", "\n", "\r\n"),
		"event_no,ref\nX1,R1\n",
		"",
	} {
		f.Add([]byte(s))
	}
	s := storetest.SQLite(f)
	storetest.SeedTree(f, s)
	v := &voice.Voice{S: s, Loc: cst}
	ctx := context.Background()
	// dump is what an import may change: the opinions (state and fold),
	// their events and the audit log, row by row.
	dump := func(t *testing.T) string {
		var b strings.Builder
		for _, q := range []string{
			`SELECT * FROM opinions ORDER BY ref`,
			`SELECT * FROM opinion_events ORDER BY 1, 2`,
			`SELECT * FROM audit_log ORDER BY id`,
		} {
			rs, err := s.DB.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rs.Columns()
			for rs.Next() {
				vals := make([]sql.NullString, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rs.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for _, v := range vals {
					b.WriteString(v.String + "|")
				}
				b.WriteByte('\n')
			}
			rs.Close()
			b.WriteString("--\n")
		}
		return b.String()
	}
	events := func(t *testing.T) int {
		var n int
		if err := s.DB.QueryRow(`SELECT COUNT(*) FROM opinion_events`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		name := "opinions.csv"
		if bytes.HasPrefix(data, []byte("PK")) {
			name = "opinions.xlsx"
		}
		before := dump(t)
		tab, err := tabular.Read(bytes.NewReader(data), name)
		if err == nil {
			err = tab.Require(voice.ImportColumns, nil, false)
		}
		imported := false // the reader's refusals (malformed CSV) name a line only
		refused := func(err error, before string) {
			t.Helper()
			var ie *pingyi.InputError
			if errors.As(err, &ie) {
				if len(ie.Errors) == 0 {
					t.Fatal("an input error without errors")
				}
				for _, fe := range ie.Errors {
					if fe.Line < 1 || imported && fe.Column == "" && fe.Line > max(tab.HeaderLine, 1) {
						t.Fatalf("an error without its line or column: %+v", fe)
					}
				}
			} else if !errors.Is(err, pingyi.ErrInvalid) {
				t.Fatalf("not an input error: %T %v", err, err)
			}
			if dump(t) != before {
				t.Fatalf("a refused import changed the opinions or the audit log (%v)", err)
			}
		}
		if err != nil {
			refused(err, before)
			return
		}
		rows := voice.ImportRows(tab)
		n0 := events(t)
		imported = true
		st, err := v.Import(ctx, rows, store.CLI)
		if err != nil {
			refused(err, before)
			return
		}
		if st.Events < len(rows) || events(t) != n0+st.Events {
			t.Fatalf("%d rows, %d events reported, events %d→%d", len(rows), st.Events, n0, events(t))
		}
		if len(rows) == 0 {
			return
		}
		after := dump(t)
		if _, err := v.Import(ctx, rows, store.CLI); err == nil {
			t.Fatal("the same ledger imported twice")
		} else {
			refused(err, after)
		}
	})
}
