package web

import (
	"net/http"

	"github.com/pingyi/pingyi/internal/export"
	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pingyi"
)

// importTemplates are the import files to fill in, in Chinese (the
// offices' spreadsheets): header, example, allowed labels.
var importTemplates = map[string]struct {
	sheet, file string
	cols        func(zh *i18n.Translator) []export.TemplateColumn
}{
	"orgs": {"组织", "组织导入模板.xlsx", func(zh *i18n.Translator) []export.TemplateColumn {
		return []export.TemplateColumn{
			{Header: "编码", Example: "V9"},
			{Header: "名称", Example: "北山村党支部"},
			{Header: "类型", Example: zh.T("org_type.branch"), Allowed: LabelsOf(zh, "org_type", pingyi.OrgTypes)},
			{Header: "领域", Example: zh.T("domain.rural"), Allowed: LabelsOf(zh, "domain", pingyi.Domains)},
			{Header: "上级编码", Example: "T1"},
			{Header: "窗口单位", Example: "否", Allowed: []string{"是", "否"}},
		}
	}},
	"members": {"党员", "党员导入模板.xlsx", func(zh *i18n.Translator) []export.TemplateColumn {
		return []export.TemplateColumn{
			{Header: "编码", Example: "M9"},
			{Header: "姓名", Example: "孙国庆"},
			{Header: "所在组织编码", Example: "V1"},
			{Header: "类别", Example: zh.T("category.farming"), Allowed: LabelsOf(zh, "category", pingyi.Categories)},
			{Header: "是否书记", Example: "否", Allowed: []string{"是", "否"}},
			{Header: "手机号", Example: "13800009999"},
			{Header: "性别", Example: "男", Allowed: []string{zh.T("gender.male"), zh.T("gender.female")}},
			{Header: "出生年份", Example: "1975"},
			{Header: "工作单位", Example: ""},
			{Header: "居住社区编码", Example: ""},
			{Header: "身份证号", Example: ""},
		}
	}},
}

// LabelsOf is the zh-CN labels of the values of a message group (an import
// template's drop-down list).
func LabelsOf[T ~string](zh *i18n.Translator, group string, vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = zh.T(group + "." + string(v))
	}
	return out
}

// importTemplate is GET /import/template/{kind}: the XLSX template of an
// import file (orgs: admin only, as their import).
func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	tpl, ok := importTemplates[kind]
	if !ok || (kind == "orgs" && CurrentUser(r).Role != pingyi.RoleAdmin) {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	b, err := export.ImportTemplate(tpl.sheet, tpl.cols(i18n.For("zh-CN")))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	Download(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", tpl.file, b)
}
