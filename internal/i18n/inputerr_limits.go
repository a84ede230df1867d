package i18n

// The formats of the text caps and the code alphabet (internal/tabular
// limits.go), and of the API's refusals (internal/api validate.go).
func init() {
	for format, e := range map[string]inputErr{
		"too long (%d of at most %d characters)": {id: "too_long_of"},
		"not a code: %q (1 to %d letters A–Z, digits, '-', '_' or '.', starting with a letter or a digit)": {id: "not_code"},
		"the .xlsx file unpacks to more than %d MB; split it or save it as CSV":                            {id: "xlsx_too_big"},
		"a cell has more than %d characters":                                                               {id: "xlsx_cell_too_long"},
		"more than %d cells in one row":                                                                    {id: "xlsx_row_cells"},
		"more than %d cells in the workbook":                                                               {id: "xlsx_cells"},
	} {
		inputErrs[format] = e
	}
}
