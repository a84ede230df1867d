package web

import (
	"net/http"

	"github.com/pingyi/pingyi/internal/export"
	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pingyi"
	shell "github.com/pingyi/pingyi/internal/web"
)

// ballotTemplate is GET /campaigns/{code}/ballots/template: the XLSX paper
// ballots file to fill in (票号,评议人类别,对象类型,对象编码,评价), its
// example row a real target of the campaign in the viewer's subtree, and
// the categories, types and the campaign's ratings as drop-down lists.
// Filled in or as it is (while the campaign is open), it imports back.
func (s *Feature) ballotTemplate(w http.ResponseWriter, r *http.Request) {
	c := s.loadCampaign(w, r)
	if c == nil {
		return
	}
	zh := i18n.For("zh-CN")
	exType, exCode := "", ""
	units, err := s.st.Units(r.Context(), c.ID, shell.CurrentScope(r))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if len(units) > 0 {
		ts, err := s.st.UnitTargets(r.Context(), c.ID, units[0].ID)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		if len(ts) > 0 {
			exType, exCode = zh.T("target_type."+string(ts[0].Type)), ts[0].Code
		}
	}
	ratings := append(c.Scale.Levels(), pingyi.Abstain)
	cols := []export.TemplateColumn{
		{Header: "票号", Example: "P0001"},
		{Header: "评议人类别", Example: zh.T("evaluator." + string(pingyi.EvalMassRep)), Allowed: shell.LabelsOf(zh, "evaluator", pingyi.EvaluatorCategories)},
		{Header: "对象类型", Example: exType, Allowed: shell.LabelsOf(zh, "target_type", pingyi.TargetTypes)},
		{Header: "对象编码", Example: exCode},
		{Header: "评价", Example: zh.T("ballot_rating." + string(pingyi.Satisfied)), Allowed: shell.LabelsOf(zh, "ballot_rating", ratings)},
	}
	b, err := export.ImportTemplate("纸质选票", cols)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	shell.Download(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", c.Code+"-纸质选票模板.xlsx", b)
}
