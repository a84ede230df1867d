package export

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
)

func TestResultsXLSXOneSheetPerTargetType(t *testing.T) {
	res := &appraisal.Results{Campaign: &pingyi.Campaign{Name: "2026年度群众评议", Scale: 4}}
	add := func(tt pingyi.TargetType, code, name string, s, d int64, flags ...string) {
		tr := appraisal.TargetResult{Name: name, UnitName: "东村党支部"}
		tr.Type, tr.Code = tt, code
		tr.Tally = rules.Tally{Satisfied: s, Dissatisfied: d}
		tr.Score, _ = tr.Tally.Score()
		tr.Rate, _ = tr.Tally.Rate()
		tr.Flags = flags
		res.Targets = append(res.Targets, tr)
	}
	add(pingyi.TargetMember, "M1", "张三", 1, 2, rules.FlagAdmonish, rules.FlagNoAward)
	add(pingyi.TargetMember, "M2", "李四", 3, 0)
	add(pingyi.TargetOrg, "B1", "东村党支部", 2, 1)
	var buf bytes.Buffer
	if err := ResultsXLSX(&buf, res, func(t appraisal.TargetResult) bool { return t.Code == "M2" }); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	if len(sheets) != 2 || sheets[0] != "基层党组织" || sheets[1] != "党员" {
		t.Fatalf("sheets %v, want [基层党组织 党员]", sheets)
	}
	rows, _ := f.GetRows("党员")
	if len(rows) != 4 || rows[1][0] != "序号" {
		t.Fatalf("member sheet rows %q", rows)
	}
	if rows[2][2] != "M1" || rows[2][10] != "33.33" || rows[2][12] != "诫勉谈话；取消年度评先评优资格" {
		t.Errorf("M1 row %q", rows[2])
	}
	if rows[3][4] != "—" || len(rows[3]) > 5 && rows[3][10] != "" {
		t.Errorf("M2 row should be withheld: %q", rows[3])
	}
	// Written through the stream writer, the sheet keeps its print setup.
	for _, sh := range sheets {
		pl, err := f.GetPageLayout(sh)
		if err != nil || *pl.Orientation != "landscape" || *pl.Size != 9 || *pl.FitToWidth != 1 || *pl.FitToHeight != 0 {
			t.Errorf("%s: page layout %+v %v", sh, pl, err)
		}
		if p, _ := f.GetSheetProps(sh); p.FitToPage == nil || !*p.FitToPage {
			t.Errorf("%s: not fit to page", sh)
		}
		if p, _ := f.GetPanes(sh); !p.Freeze || p.YSplit != 2 || p.TopLeftCell != "A3" {
			t.Errorf("%s: panes %+v", sh, p)
		}
		if m, _ := f.GetMergeCells(sh); len(m) != 1 || m[0].GetStartAxis() != "A1" || m[0].GetEndAxis() != "M1" {
			t.Errorf("%s: merged %v", sh, m)
		}
		if h, _ := f.GetRowHeight(sh, 1); h != 28 {
			t.Errorf("%s: title row height %v", sh, h)
		}
		if w, _ := f.GetColWidth(sh, "M"); w != 30 {
			t.Errorf("%s: column M width %v", sh, w)
		}
	}
	names := f.GetDefinedName()
	if len(names) != 2 || names[0].RefersTo != "'基层党组织'!$2:$2" {
		t.Errorf("print titles %+v", names)
	}
}

// The workbook shows the columns of the campaign's scale only, and scores
// and rates as numbers (sortable and summable in Excel and WPS).
func TestResultsXLSXScaleAndNumbers(t *testing.T) {
	for _, c := range []struct {
		scale  pingyi.Scale
		cols   int
		fairly bool
	}{{3, 12, false}, {4, 13, true}} {
		res := &appraisal.Results{Campaign: &pingyi.Campaign{Name: "测评", Scale: c.scale}}
		tr := appraisal.TargetResult{Name: "东村党支部"}
		tr.Type, tr.Code = pingyi.TargetOrg, "B1"
		tr.Tally = rules.Tally{Satisfied: 2, Dissatisfied: 1}
		tr.Score, _ = tr.Tally.Score()
		tr.Rate, _ = tr.Tally.Rate()
		res.Targets = append(res.Targets, tr)
		var buf bytes.Buffer
		if err := ResultsXLSX(&buf, res, nil); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("基层党组织")
		if len(rows[1]) != c.cols || strings.Contains(strings.Join(rows[1], ","), "比较满意") != c.fairly {
			t.Errorf("scale %d: header %q", c.scale, rows[1])
		}
		score, _ := excelize.CoordinatesToCellName(c.cols-2, 3)
		rate, _ := excelize.CoordinatesToCellName(c.cols-1, 3)
		for _, cell := range []string{score, rate} {
			if typ, _ := f.GetCellType("基层党组织", cell); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
				t.Errorf("scale %d: %s is %v, want a number", c.scale, cell, typ)
			}
			raw, _ := f.GetCellValue("基层党组织", cell, excelize.Options{RawCellValue: true})
			if _, err := strconv.ParseFloat(raw, 64); err != nil {
				t.Errorf("scale %d: %s holds %q, not a number", c.scale, cell, raw)
			}
		}
		if v, _ := f.GetCellValue("基层党组织", rate); v != "66.67" {
			t.Errorf("scale %d: rate shown %q, want 66.67", c.scale, v)
		}
		f.Close()
	}
}
