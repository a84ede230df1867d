// Package export writes printable files of Pingyi's data: Excel workbooks
// with Chinese headers.
package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
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

// ResultsHeaderZH is the header of each results sheet.
var ResultsHeaderZH = []string{"序号", "所属单位", "代码", "名称", "有效票", "满意", "比较满意", "基本满意", "不满意", "弃权", "得分", "满意率(%)", "结果运用"}

// ResultsXLSX writes a campaign's results as a workbook with one sheet per
// target type, Chinese headers, set up to print on A4 landscape with the
// header row repeated on every page. hide reports whether a target's counts
// must be withheld (the anonymity threshold on pages); nil shows all.
func ResultsXLSX(w io.Writer, res *store.Results, hide func(store.TargetResult) bool) error {
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
	first := true
	for _, tt := range []pingyi.TargetType{pingyi.TargetOrg, pingyi.TargetSecretary, pingyi.TargetMember} {
		var rows []store.TargetResult
		for _, t := range res.Targets {
			if t.Type == tt {
				rows = append(rows, t)
			}
		}
		if len(rows) == 0 {
			continue
		}
		sheet := TargetTypeZH[tt]
		if first {
			f.SetSheetName("Sheet1", sheet)
			first = false
		} else if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		last, _ := excelize.ColumnNumberToName(len(ResultsHeaderZH))
		f.MergeCell(sheet, "A1", last+"1")
		f.SetCellValue(sheet, "A1", fmt.Sprintf("%s（%s）测评结果", res.Campaign.Name, TargetTypeZH[tt]))
		f.SetCellStyle(sheet, "A1", last+"1", title)
		f.SetRowHeight(sheet, 1, 28)
		for i, h := range ResultsHeaderZH {
			c, _ := excelize.CoordinatesToCellName(i+1, 2)
			f.SetCellValue(sheet, c, h)
		}
		f.SetCellStyle(sheet, "A2", last+"2", head)
		for i, t := range rows {
			r := i + 3
			vals := []any{i + 1, t.UnitName, t.Code, t.Name}
			if hide != nil && hide(t) {
				vals = append(vals, "—", "", "", "", "", "", "", "", "不足公开人数")
			} else {
				vals = append(vals, t.Tally.Valid(), t.Tally.Satisfied, t.Tally.FairlySatisfied, t.Tally.BasicallySatisfied,
					t.Tally.Dissatisfied, t.Tally.Abstain, rules.FormatScore(t.Score), rules.FormatRate(t.Rate), FlagsZH(t.Flags))
			}
			for j, v := range vals {
				c, _ := excelize.CoordinatesToCellName(j+1, r)
				f.SetCellValue(sheet, c, v)
			}
		}
		end, _ := excelize.CoordinatesToCellName(len(ResultsHeaderZH), len(rows)+2)
		f.SetCellStyle(sheet, "A3", end, cell)
		widths := []float64{6, 24, 12, 18, 8, 7, 9, 9, 8, 7, 9, 10, 30}
		for i, wd := range widths {
			col, _ := excelize.ColumnNumberToName(i + 1)
			f.SetColWidth(sheet, col, col, wd)
		}
		orient := "landscape"
		size := 9 // A4
		f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &orient, Size: &size})
		fit := true
		f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit})
		one, zero := 1, 0
		f.SetPageLayout(sheet, &excelize.PageLayoutOptions{FitToWidth: &one, FitToHeight: &zero})
		f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sheet + "'!$2:$2", Scope: sheet})
		f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
	}
	if first {
		f.SetCellValue("Sheet1", "A1", "（无数据）")
	}
	return f.Write(w)
}
