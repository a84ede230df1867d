// Package export writes the appraisal's results as Excel workbooks
// with Chinese headers (the CLI's results --format xlsx and the results page's download).
package export

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/tabular"
)

// TargetTypeZH names target types for sheet names and titles.
var TargetTypeZH = map[pingyi.TargetType]string{
	pingyi.TargetOrg: "基层党组织", pingyi.TargetSecretary: "党组织书记", pingyi.TargetMember: "党员",
}

// FlagZH names the rule flags in Chinese (seed 004, 000, 002).
var FlagZH = map[string]string{
	rules.FlagAdmonish:             "诫勉谈话",
	rules.FlagNoAward:              "取消年度评先评优资格",
	rules.FlagNotTypical:           "不得作为先进典型",
	rules.FlagBelowAverage:         "低于平均满意率",
	rules.FlagNoAdvancedCollective: "取消先进集体评选资格",
	rules.FlagLowMassShare:         "群众参评比例不足",
	rules.FlagNoBallots:            "无有效评价",
}

// FlagsZH joins flags in Chinese.
func FlagsZH(flags []string) string {
	out := make([]string, 0, len(flags))
	for _, f := range flags {
		if z, ok := FlagZH[f]; ok {
			out = append(out, z)
		} else {
			out = append(out, f)
		}
	}
	return strings.Join(out, "；")
}

// ResultsHeaderZH is the header of each results sheet of a four-level
// campaign; a three-level one has no 比较满意 column (resultsHeader).
var ResultsHeaderZH = []string{"序号", "所属单位", "代码", "名称", "有效票", "满意", "比较满意", "基本满意", "不满意", "弃权", "得分", "满意率(%)", "结果运用"}

// fairlyCol is the index of 比较满意 in ResultsHeaderZH.
const fairlyCol = 6

// resultsHeader is the header of the sheets of a campaign on scale, and
// the column widths.
func resultsHeader(scale pingyi.Scale) (header []string, widths []float64) {
	header = slices.Clone(ResultsHeaderZH)
	widths = []float64{6, 24, 12, 18, 8, 7, 9, 9, 8, 7, 9, 10, 30}
	if !scale.Allows(pingyi.FairlySatisfied) {
		header = slices.Delete(header, fairlyCol, fairlyCol+1)
		widths = slices.Delete(widths, fairlyCol, fairlyCol+1)
	}
	return header, widths
}

// decimalCell is an exact decimal ("95.00") as a number for the sheet
// (sortable and summable in Excel and WPS), "" staying empty.
func decimalCell(s string) any {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f
	}
	return s
}

// ResultsXLSX writes a campaign's results as a workbook with one sheet per
// target type, Chinese headers, set up to print on A4 landscape with the
// header row repeated on every page. hide reports whether a target's counts
// must be withheld (the anonymity threshold on pages); nil shows all.
func ResultsXLSX(w io.Writer, res *appraisal.Results, hide func(appraisal.TargetResult) bool) error {
	counts := map[pingyi.TargetType]int{}
	for _, t := range res.Targets {
		counts[t.Type]++
	}
	return ResultsXLSXStream(w, res.Campaign.Name, res.Campaign.Scale, counts, func(fn func(appraisal.TargetResult) error) error {
		for _, t := range res.Targets {
			if err := fn(t); err != nil {
				return err
			}
		}
		return nil
	}, hide, "")
}

// ResultsXLSXStream writes the workbook of ResultsXLSX row by row (each
// sheet through excelize's stream writer, so that a city's results are
// never held at once): counts gives the number of targets of each type
// (a sheet for each type with any), and each calls its function with
// every target, in any order of types.
//
// anchor, if not empty, is the audit chain's head when the file was made
// ("entries:hash", store.AuditHead): written on a last sheet 说明 and in
// the workbook's properties, it lets an office keep an outside copy that
// `pingyi audit verify` can be checked against later (issue 15).
func ResultsXLSXStream(w io.Writer, campaignName string, scale pingyi.Scale, counts map[pingyi.TargetType]int, each func(func(appraisal.TargetResult) error) error,
	hide func(appraisal.TargetResult) bool, anchor string) error {
	header, widths := resultsHeader(scale)
	fairly := len(header) == len(ResultsHeaderZH)
	f := excelize.NewFile()
	defer f.Close()
	title, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14, Family: "SimSun"},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Family: "SimSun"}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Color: []string{"F2F2F2"}, Pattern: 1},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	cell, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "SimSun"}, Border: border,
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	type sheetW struct {
		sw  *excelize.StreamWriter
		row int
	}
	sheets := map[pingyi.TargetType]*sheetW{}
	var order []*sheetW
	first := true
	last, _ := excelize.ColumnNumberToName(len(header))
	decimal, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "SimSun"}, Border: border, NumFmt: 2, // 0.00
		Alignment: &excelize.Alignment{Vertical: "center"}})
	for _, tt := range []pingyi.TargetType{pingyi.TargetOrg, pingyi.TargetSecretary, pingyi.TargetMember} {
		if counts[tt] == 0 {
			continue
		}
		sheet := TargetTypeZH[tt]
		if first {
			f.SetSheetName("Sheet1", sheet)
			first = false
		} else if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		// Page setup first: the stream writer writes the sheet's settings
		// as they are when it starts.
		orient := "landscape"
		size := 9 // A4
		f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &orient, Size: &size})
		fit := true
		f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit})
		one, zero := 1, 0
		f.SetPageLayout(sheet, &excelize.PageLayoutOptions{FitToWidth: &one, FitToHeight: &zero})
		f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sheet + "'!$2:$2", Scope: sheet})
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		for i, wd := range widths {
			if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
				return err
			}
		}
		titleRow := make([]any, len(header))
		titleRow[0] = excelize.Cell{StyleID: title, Value: fmt.Sprintf("%s（%s）测评结果", campaignName, TargetTypeZH[tt])}
		for i := 1; i < len(titleRow); i++ {
			titleRow[i] = excelize.Cell{StyleID: title}
		}
		if err := sw.SetRow("A1", titleRow, excelize.RowOpts{Height: 28}); err != nil {
			return err
		}
		if err := sw.MergeCell("A1", last+"1"); err != nil {
			return err
		}
		headRow := make([]any, len(header))
		for i, h := range header {
			headRow[i] = excelize.Cell{StyleID: head, Value: h}
		}
		if err := sw.SetRow("A2", headRow); err != nil {
			return err
		}
		s := &sheetW{sw: sw, row: 2}
		sheets[tt] = s
		order = append(order, s)
	}
	vals := make([]any, 0, len(header))
	err := each(func(t appraisal.TargetResult) error {
		s := sheets[t.Type]
		if s == nil {
			return nil
		}
		s.row++
		vals = append(vals[:0], s.row-2, tabular.SafeCell(t.UnitName), tabular.SafeCell(t.Code), tabular.SafeCell(t.Name))
		if hide != nil && hide(t) {
			vals = append(vals, "—", "", "", "", "", "", "", "", "不足公开人数")
		} else {
			vals = append(vals, t.Tally.Valid(), t.Tally.Satisfied, t.Tally.FairlySatisfied, t.Tally.BasicallySatisfied,
				t.Tally.Dissatisfied, t.Tally.Abstain, decimalCell(rules.FormatScore(t.Score)), decimalCell(rules.FormatRate(t.Rate)), FlagsZH(t.Flags))
		}
		if !fairly {
			vals = slices.Delete(vals, fairlyCol, fairlyCol+1)
		}
		row := make([]any, len(vals))
		for j, v := range vals {
			style := cell
			if _, isFloat := v.(float64); isFloat {
				style = decimal
			}
			row[j] = excelize.Cell{StyleID: style, Value: v}
		}
		c, _ := excelize.CoordinatesToCellName(1, s.row)
		return s.sw.SetRow(c, row)
	})
	if err != nil {
		return err
	}
	for _, s := range order {
		if err := s.sw.Flush(); err != nil {
			return err
		}
	}
	if first {
		f.SetCellValue("Sheet1", "A1", "（无数据）")
	}
	if anchor != "" {
		if err := writeAnchor(f, campaignName, anchor); err != nil {
			return err
		}
	}
	return f.Write(w)
}

// AnchorSheet is the name of the workbook's last sheet, with the audit
// chain's anchor.
const AnchorSheet = "说明"

// writeAnchor adds the sheet 说明 (the campaign, the audit chain's head
// when the file was made) and puts the anchor in the workbook's
// description.
func writeAnchor(f *excelize.File, campaignName, anchor string) error {
	if _, err := f.NewSheet(AnchorSheet); err != nil {
		return err
	}
	rows := [][]string{
		{"活动", campaignName},
		{"审计链锚点", anchor},
		{"说明", "导出时审计日志的条数和最后一条的哈希。请另行保存；日后运行 pingyi audit verify，其输出的条数不少于此数、且此条的哈希不变，即说明此前的记录未被改动。"},
	}
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr(AnchorSheet, cell, tabular.SafeCell(v)); err != nil {
				return err
			}
		}
	}
	f.SetColWidth(AnchorSheet, "A", "A", 14)
	f.SetColWidth(AnchorSheet, "B", "B", 90)
	return f.SetDocProps(&excelize.DocProperties{Title: campaignName, Description: "审计链锚点 audit anchor " + anchor, Creator: "Pingyi 评议"})
}
