package tabular

import (
	"strings"
	"sync"

	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pingyi"
)

// Offices keep their spreadsheets in Chinese. Besides the English headers
// and values of SPEC §6, a file may name its columns in Chinese (the
// headers below, and the column labels the UI shows) and give enumerated
// values by their Chinese labels, as the pages show them (党支部, 农村,
// 是/否, 满意, …). They are read as the English ones: a header becomes its
// column's name, a label its value.

// chineseHeaders are the Chinese headers of the import files (issue 16),
// beside the UI's own column labels (i18n inputerr_col.*).
var chineseHeaders = map[string]string{
	"编码": "code", "名称": "name", "类型": "type", "领域": "domain", "上级编码": "parent_code", "窗口单位": "window_unit",
	"姓名": "name", "所在组织编码": "org_code", "类别": "category", "是否书记": "is_secretary",
	"手机号": "phone", "性别": "gender", "出生年份": "birth_year", "工作单位": "home_unit", "居住社区编码": "community_code", "身份证号": "id_number",
	"票号": "ballot_no", "评议人类别": "evaluator_category", "对象类型": "target_type", "对象编码": "target_code", "评价": "rating",
	"党员编码": "member_code",
}

// valueGroups are the enumerated columns and the message group of their
// values' labels (zh-CN), with the values.
var valueGroups = []struct {
	columns []string
	group   string
	values  func() []string
}{
	{[]string{"type"}, "org_type", func() []string { return strs(pingyi.OrgTypes) }},
	{[]string{"domain"}, "domain", func() []string { return strs(pingyi.Domains) }},
	{[]string{"category"}, "category", func() []string { return strs(pingyi.Categories) }},
	{[]string{"evaluator_category"}, "evaluator", func() []string { return strs(pingyi.EvaluatorCategories) }},
	{[]string{"target_type"}, "target_type", func() []string { return strs(pingyi.TargetTypes) }},
	{[]string{"gender"}, "gender", func() []string { return []string{"male", "female"} }},
}

// booleanColumns take 是/否 for true/false.
var booleanColumns = []string{"is_secretary", "window_unit"}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

var labels struct {
	once    sync.Once
	headers map[string]string            // normalised Chinese header → column
	values  map[string]map[string]string // column → label → value
}

func loadLabels() {
	zh := i18n.For("zh-CN")
	h := map[string]string{}
	for col := range columnsWithLabels() {
		if key := "inputerr_col." + col; i18n.Has("zh-CN", key) {
			h[strings.ToLower(Trim(zh.T(key)))] = col
		}
	}
	for k, v := range chineseHeaders {
		h[k] = v
	}
	vals := map[string]map[string]string{}
	for _, g := range valueGroups {
		m := map[string]string{}
		for _, v := range g.values() {
			if key := g.group + "." + v; i18n.Has("zh-CN", key) {
				m[Trim(zh.T(key))] = v
			}
		}
		for _, c := range g.columns {
			vals[c] = m
		}
	}
	for _, c := range booleanColumns {
		vals[c] = map[string]string{"是": "true", "否": "false"}
	}
	labels.headers, labels.values = h, vals
}

// columnsWithLabels are the columns whose UI labels are headers too.
func columnsWithLabels() map[string]bool {
	m := map[string]bool{}
	for _, c := range []string{"code", "name", "type", "domain", "parent_code", "window_unit", "org_code", "category",
		"is_secretary", "phone", "gender", "birth_year", "home_unit", "community_code", "id_number", "ballot_no",
		"evaluator_category", "target_type", "target_code", "rating", "member_code", "ideology", "compliance",
		"civilization", "joint_service", "post_duty", "year"} {
		m[c] = true
	}
	return m
}

// headerName is the column a normalised header names: itself, or the
// column of a Chinese header.
func headerName(h string) string {
	labels.once.Do(loadLabels)
	if c, ok := labels.headers[h]; ok {
		return c
	}
	return h
}

// labelValue is the value a cell of column gives: a Chinese label becomes
// the value it labels.
func labelValue(column, v string) string {
	labels.once.Do(loadLabels)
	if m := labels.values[column]; m != nil {
		if c, ok := m[v]; ok {
			return c
		}
	}
	return v
}
