package doublereport

import (
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/pingyi/pingyi/internal/tabular"
)

// Column titles of the tables as they are filed (Chinese).
var (
	UnitHeaderZH      = []string{"单位党组织", "在职党员数", "已报到数", "报到率(%)", "认领", "取消", "完成", "服务时长(小时)", "评价数", "不满意", "满意率(%)"}
	CommunityHeaderZH = []string{"社区", "报到党员", "报到单位", "公益项目", "微心愿", "已认领", "已完成", "评价数", "不满意", "满意率(%)", "超30天未认领"}
	LeadsHeaderZH     = []string{"党员编号", "调研谋划", "走访调研", "征求意见", "政策宣讲", "公益项目", "是否达标", "未达标项"}
	BoardHeaderZH     = []string{"名次", "党员编号", "完成", "服务时长(小时)", "满意"}
)

// TableXLSX writes one table as a workbook laid out as it is filed: the
// title across the first row, the period on the second, the column titles
// on the third, then the rows (numbers as numbers; text columns as text).
func TableXLSX(w io.Writer, sheet, title, period string, header []string, rows [][]string, text map[int]bool) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(header))
	f.SetCellValue(sheet, "A1", title)
	f.MergeCell(sheet, "A1", last+"1")
	f.SetCellValue(sheet, "A2", period)
	f.MergeCell(sheet, "A2", last+"2")
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	f.SetCellStyle(sheet, "A1", "A1", bold)
	headStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: []excelize.Border{{Type: "bottom", Style: 1}}})
	for i, h := range header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 3)
		f.SetCellValue(sheet, cell, h)
		f.SetCellStyle(sheet, cell, cell, headStyle)
	}
	for r, row := range rows {
		for i, c := range row {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+4)
			if !text[i] {
				if v, err := strconv.ParseFloat(c, 64); err == nil {
					f.SetCellValue(sheet, cell, v)
					continue
				}
			}
			if c == "TOTAL" && i == 0 {
				c = "合计"
			}
			f.SetCellStr(sheet, cell, tabular.SafeCell(c))
		}
	}
	f.SetColWidth(sheet, "A", last, 14)
	return f.Write(w)
}
