package voice

import (
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// statsHeaderZH are the column titles of the submitted table.
var statsHeaderZH = []string{"组织代码", "受理件数", "应办结件数", "已答复件数", "按时答复件数", "超期件数", "已解决", "部分解决", "未解决",
	"已评价件数", "不满意件数", "响应率(%)", "解决率(%)", "满意率(%)"}

// StatsXLSX writes opinions stats as a workbook: a title naming the scope
// and the period, the Chinese column titles, then the rows of the CSV
// (counts as numbers, rates as percentages with two decimals), TOTAL last.
func StatsXLSX(w io.Writer, scope, from, to string, rows []StatsRow) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "意见建议统计"
	f.SetSheetName(f.GetSheetName(0), sheet)
	title := fmt.Sprintf("%s 群众意见建议办理情况统计表（%s 至 %s）", scope, from, to)
	if err := f.SetCellValue(sheet, "A1", title); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(StatsHeader), 1)
	f.MergeCell(sheet, "A1", last)
	head := make([]any, len(statsHeaderZH))
	for i, h := range statsHeaderZH {
		head[i] = h
	}
	if err := f.SetSheetRow(sheet, "A2", &head); err != nil {
		return err
	}
	for i, r := range rows {
		rec := r.Record()
		cells := make([]any, len(rec))
		for j, c := range rec {
			if j == 0 || c == "" {
				cells[j] = c
				continue
			}
			if j <= 10 {
				n, _ := strconv.Atoi(c)
				cells[j] = n
			} else {
				fl, _ := strconv.ParseFloat(c, 64)
				cells[j] = fl
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
			return err
		}
	}
	_, err := f.WriteTo(w)
	return err
}
