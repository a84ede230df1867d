package web

import (
	"net/http"

	"github.com/pingyi/pingyi/internal/export"
	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pingyi"
	shell "github.com/pingyi/pingyi/internal/web"
)

// starTemplateColumns are the star file's columns in Chinese (党员编码 and
// the five stars by the names the pages show), each star 0, 1 or 2.
func starTemplateColumns(zh *i18n.Translator) []export.TemplateColumn {
	cols := []export.TemplateColumn{{Header: "党员编码", Example: "M1"}}
	for _, st := range pingyi.Stars {
		cols = append(cols, export.TemplateColumn{Header: zh.T("inputerr_col." + string(st)), Example: "1", Allowed: []string{"0", "1", "2"}})
	}
	return cols
}

// starImportTemplate is GET /stars/import/template: the XLSX star file to
// fill in (Chinese headers, an example row, 0/1/2 as drop-down lists). It
// imports back as it is.
func (s *Feature) starImportTemplate(w http.ResponseWriter, r *http.Request) {
	b, err := export.ImportTemplate("星级评定", starTemplateColumns(i18n.For("zh-CN")))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	shell.Download(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "星级导入模板.xlsx", b)
}
