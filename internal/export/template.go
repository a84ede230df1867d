// Package export writes printable files of the platform's data: the
// import templates (Excel workbooks with Chinese headers).
package export

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// TemplateColumn is a column of an import template: its header, the
// example row's cell, and the values allowed (offered as a drop-down list;
// none: free text).
type TemplateColumn struct {
	Header, Example string
	Allowed         []string
}

// templateRows is how many rows below the header take the drop-down lists.
const templateRows = 5000

// ImportTemplate is an XLSX file to fill in for an import: the headers in
// bold, one example row, and the allowed values of a column as a
// data-validation list. Filled in or as it is, it imports back.
func ImportTemplate(sheet string, cols []TemplateColumn) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"F2E6E6"}, Pattern: 1}})
	if err != nil {
		return nil, err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": codes and phones stay text
	if err != nil {
		return nil, err
	}
	for i, c := range cols {
		name, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return nil, err
		}
		if err := f.SetColStyle(sheet, name, text); err != nil {
			return nil, err
		}
		f.SetColWidth(sheet, name, name, float64(max(12, 2*len([]rune(c.Header))+4)))
		if err := f.SetCellStr(sheet, name+"1", c.Header); err != nil {
			return nil, err
		}
		if err := f.SetCellStyle(sheet, name+"1", name+"1", bold); err != nil {
			return nil, err
		}
		if err := f.SetCellStr(sheet, name+"2", c.Example); err != nil {
			return nil, err
		}
		if len(c.Allowed) > 0 {
			dv := excelize.NewDataValidation(true)
			dv.Sqref = fmt.Sprintf("%s2:%s%d", name, name, templateRows+1)
			if err := dv.SetDropList(c.Allowed); err != nil {
				return nil, fmt.Errorf("column %s: %w", c.Header, err)
			}
			if err := f.AddDataValidation(sheet, dv); err != nil {
				return nil, err
			}
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
