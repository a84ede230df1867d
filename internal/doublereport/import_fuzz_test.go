package doublereport_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/doublereport"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/tabular"
)

// drImports are the double-report files as `pingyi service import` reads
// them: columns and the import.
var drImports = []struct {
	name               string
	required, optional []string
	run                func(d *doublereport.DR, rows []tabular.Row) (doublereport.Summary, bool, error)
}{
	{"registrations", doublereport.RegistrationColumns, doublereport.RegistrationOptional, func(d *doublereport.DR, rows []tabular.Row) (doublereport.Summary, bool, error) {
		s, err := d.ImportRegistrations(context.Background(), "f", false, rows, store.CLI)
		return s, true, err
	}},
	{"unit-registrations", doublereport.UnitRegistrationColumns, nil, func(d *doublereport.DR, rows []tabular.Row) (doublereport.Summary, bool, error) {
		s, err := d.ImportRegistrations(context.Background(), "f", true, rows, store.CLI)
		return s, true, err
	}},
	{"needs", doublereport.NeedColumns, doublereport.NeedOptional, func(d *doublereport.DR, rows []tabular.Row) (doublereport.Summary, bool, error) {
		s, err := d.ImportNeeds(context.Background(), "f", rows, store.CLI)
		return s, true, err
	}},
	{"events", doublereport.EventColumns, nil, func(d *doublereport.DR, rows []tabular.Row) (doublereport.Summary, bool, error) {
		n, err := d.ImportEvents(context.Background(), "f", rows, store.CLI)
		return doublereport.Summary{Created: n}, false, err
	}},
	{"leaders", doublereport.LeaderColumns, nil, func(d *doublereport.DR, rows []tabular.Row) (doublereport.Summary, bool, error) {
		s, err := d.ImportLeaders(context.Background(), "f", rows, store.CLI)
		return s, true, err
	}},
	{"leads", doublereport.LeadColumns, doublereport.LeadOptional, func(d *doublereport.DR, rows []tabular.Row) (doublereport.Summary, bool, error) {
		n, err := d.ImportLeads(context.Background(), "f", rows, store.CLI)
		return doublereport.Summary{Created: n}, false, err
	}},
	{"levels", doublereport.LevelColumns, nil, func(d *doublereport.DR, rows []tabular.Row) (doublereport.Summary, bool, error) {
		n, err := d.ImportLevels(context.Background(), "f", rows, store.CLI)
		return doublereport.Summary{Updated: n}, false, err
	}},
}

// drDump is every table of the tree, the double report and the audit log.
func drDump(t testing.TB, s *store.Store) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(storetest.Dump(t, s))
	for _, tb := range []string{"dr_registrations", "dr_needs", "dr_events", "dr_leaders", "dr_leads", "dr_recommendations"} {
		rs, err := s.DB.Query(`SELECT * FROM ` + tb)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		var lines []string
		for rs.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var l []string
			for _, v := range vals {
				l = append(l, v.String)
			}
			lines = append(lines, strings.Join(l, "|"))
		}
		rs.Close()
		sort.Strings(lines)
		b.WriteString("== " + tb + "\n" + strings.Join(lines, "\n") + "\n")
	}
	return b.String()
}

func drXLSX(tb testing.TB, text string) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		for j, v := range strings.Split(line, ",") {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr(f.GetSheetName(0), cell, v); err != nil {
				tb.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzDoubleReportImports feeds arbitrary bytes, as CSV or (when they
// start like a zip) XLSX, to each double-report import (kind picks the
// file: registrations, unit registrations, needs, events, leaders, leads,
// levels) as `pingyi service import` and the service pages read them, on
// SQLite holding the test district and needs N1–N4. Either the file is
// refused with an input error naming lines (and columns past the header)
// and nothing changes — the tree, every double-report table and the audit
// log — or it is accepted, and then for the files that update by key
// (registrations, needs, leaders) importing it again creates and updates
// nothing.
func FuzzDoubleReportImports(f *testing.F) {
	seeds := []struct {
		kind uint8
		text string
	}{
		{0, regsCSV},
		{0, "member_code,community_code,registered_on,left_on\nM1,C1,2026-02-30,\nM1,S1,2026-01-01,2025-01-01\nNOPE,C1,2026-01-01,\n"},
		{1, "org_code,community_code,registered_on,left_on\nU2,C1,2026-01-01,\nB1,C2,2026-01-01,\n"},
		{1, "org_code,community_code,registered_on,left_on\nZZ,C2,2026-01-01,\n"},
		{2, needsCSV},
		{2, "code,community_code,kind,title,published_on,wish_type,beneficiary\nN9,C1,wish,书包,2026-01-10,,\nN10,C1,project,义诊,2026-01-10,material,\nN11,S1,project,义诊,2026-01-10,,\n"},
		{2, "code,community_code,kind,title,published_on\n=1+1,C1,project,@SUM(A1),2026-01-10\n"},
		{3, "event_no,need_code,event,on,member_code,org_code,hours,rating\nE1,N1,claim,2026-01-10,M1,,,\nE2,N1,complete,2026-01-12,M1,,2.5,\nE3,N1,confirm,2026-01-13,,,,满意\n"},
		{3, "event_no,need_code,event,on,member_code,org_code,hours,rating\nE1,N3,claim,2026-02-05,M1,,,\nF2,N3,claim,2026-02-05,M3,,,\nF4,N2,claim,2026-02-05,M3,,-1e9,\n"},
		{4, "member_code,title\nM6,局长\nM1,\nNOPE,科长\n"},
		{5, "member_code,kind,on,note\nM6,contact,2026-01-05,走访\nM6,nosuch,2026-13-01,\n"},
		{6, "org_code,level\nC1,community\nS1,nosuch\nZZ,street\n"},
		{2, "\uFEFFcode,community_code,kind,title,published_on\r\nN7,C1,project,\"义,诊\",2026-01-10\r\n"},
		{4, "member_code,title\nM6," + strings.Repeat("长", 5000) + "\n"},
		{4, "member_code,title\nM6,局\x00长\n"},
	}
	for _, s := range seeds {
		f.Add(s.kind, []byte(s.text))
	}
	f.Add(uint8(2), drXLSX(f, needsCSV))
	f.Add(uint8(0), drXLSX(f, regsCSV))
	s := storetest.SQLite(f)
	ctx := context.Background()
	read := func(text string) *tabular.Table {
		tb, err := tabular.Read(strings.NewReader(text), "f.csv")
		if err != nil {
			f.Fatal(err)
		}
		return tb
	}
	if _, err := s.ImportOrgs(ctx, store.OrgRows(read(orgsCSV)), store.CLI); err != nil {
		f.Fatal(err)
	}
	if _, err := s.ImportMembers(ctx, store.MemberRows(read(membersCSV)), store.CLI); err != nil {
		f.Fatal(err)
	}
	d := doublereport.New(s)
	for code, l := range levels {
		if err := d.SetLevel(ctx, code, l, store.CLI); err != nil {
			f.Fatal(err)
		}
	}
	if _, err := d.ImportNeeds(ctx, "n.csv", read(needsCSV).Rows, store.CLI); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		imp := drImports[int(kind)%len(drImports)]
		name := "f.csv"
		if bytes.HasPrefix(data, []byte("PK")) {
			name = "f.xlsx"
		}
		before := drDump(t, s)
		tab, err := tabular.Read(bytes.NewReader(data), name)
		if err == nil {
			err = tab.Require(imp.required, imp.optional, false)
		}
		imported := false // the reader's refusals (malformed CSV) name a line only
		if err == nil {
			_, _, err = imp.run(d, tab.Rows)
			imported = true
		}
		if err != nil {
			var ie *pingyi.InputError
			if errors.As(err, &ie) {
				if len(ie.Errors) == 0 {
					t.Fatal("an input error without errors")
				}
				for _, fe := range ie.Errors {
					if fe.Line < 1 || imported && fe.Column == "" && fe.Line > max(tab.HeaderLine, 1) {
						t.Fatalf("%s: an error without its line or column: %+v", imp.name, fe)
					}
				}
			} else if !errors.Is(err, pingyi.ErrInvalid) {
				t.Fatalf("%s: not an input error: %T %v", imp.name, err, err)
			}
			if drDump(t, s) != before {
				t.Fatalf("%s: a refused import changed the database (%v)", imp.name, err)
			}
			return
		}
		if k := int(kind) % len(drImports); k != 0 && k != 1 && k != 2 && k != 4 {
			return // events, leads and levels are not keyed updates
		}
		sum, _, err := imp.run(d, tab.Rows)
		if err != nil {
			t.Fatalf("%s: accepted once, refused the second time: %v", imp.name, err)
		}
		if sum.Created != 0 || sum.Updated != 0 {
			t.Fatalf("%s: the same file again: %v", imp.name, sum)
		}
	})
}
