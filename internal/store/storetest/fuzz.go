package storetest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
)

// Helpers of the importers' fuzz targets (store's, the appraisal's).

// FuzzFileName names fuzzed bytes as the upload they look like: a zip
// (an XLSX workbook) or else CSV, so that one target reads both formats.
func FuzzFileName(data []byte, base string) string {
	if bytes.HasPrefix(data, []byte("PK")) {
		return base + ".xlsx"
	}
	return base + ".csv"
}

// CSVToXLSX writes a CSV text as a workbook of strings (a seed for the
// XLSX side of an importer's fuzz target).
func CSVToXLSX(tb testing.TB, text string) []byte {
	tb.Helper()
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	for i, rec := range recs {
		for j, v := range rec {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr(sheet, cell, v); err != nil {
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

// CheckImportRefusal asserts that a refused import names a line (and,
// past the header, a column) for each problem, or is a refusal of the
// file's format, and that the database is as it was.
func CheckImportRefusal(t *testing.T, s *store.Store, err error, before string) {
	t.Helper()
	var ie *pingyi.InputError
	if !errors.As(err, &ie) {
		if !errors.Is(err, pingyi.ErrInvalid) {
			t.Fatalf("not an input error: %T %v", err, err)
		}
	} else {
		if len(ie.Errors) == 0 {
			t.Fatal("an input error without errors")
		}
		for _, fe := range ie.Errors {
			if fe.Line < 1 {
				t.Fatalf("an error without a line: %+v", fe)
			}
		}
	}
	if Dump(t, s) != before {
		t.Fatalf("a refused import changed the database (%v)", err)
	}
}
