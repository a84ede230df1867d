package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/appraisal/api"
	"github.com/pingyi/pingyi/internal/appraisal/export"
	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pingyi"
)

// The campaign pages build some message keys at run time (label, tabs,
// phone screens): they all exist in every language, and the Chinese
// vocabulary is the one of the printed documents (export.FlagZH,
// export.TargetTypeZH, api.LevelLabels).
func TestCampaignMessages(t *testing.T) {
	// The feature's own messages (locales/), as web.Server.Add registers
	// them; with those of internal/i18n, nothing is missing or uneven.
	if err := i18n.Register((&Feature{}).Assets().Translations); err != nil {
		t.Fatal(err)
	}
	if p := i18n.Problems(); len(p) > 0 {
		t.Errorf("translation problems:\n%s", strings.Join(p, "\n"))
	}
	need := []string{}
	add := func(group string, vs ...any) {
		for _, v := range vs {
			need = append(need, group+"."+fmt.Sprint(v))
		}
	}
	for _, k := range pingyi.Kinds {
		add("campaign_kind", k)
	}
	add("campaign_state", appraisal.StateNotOpen, appraisal.StateOpen, appraisal.StateClosed)
	for _, tt := range pingyi.TargetTypes {
		add("target_type", tt)
		add("ballot", "group_"+string(tt))
	}
	for _, c := range pingyi.EvaluatorCategories {
		add("evaluator", c)
	}
	for r := range api.LevelLabels {
		add("ballot_rating", r)
	}
	for f := range export.FlagZH {
		add("result_flag", f)
	}
	for p := 1; p <= 5; p++ {
		add("campaign_phase", p)
		add("campaign_phase_hint", p)
	}
	for _, s := range appraisal.RectStatuses {
		add("rect_status", s)
	}
	for _, m := range appraisal.Methods {
		add("appraisal_method", m)
	}
	add("campaign_tabs", "overview", "criteria", "codes", "ballots", "coverage", "results", "rectifications", "publicity")
	for _, s := range []string{"used", "unknown", "closed", "not_open", "no_receipt", "busy"} {
		add("ballot", s, s+"_title")
	}
	for _, lang := range i18n.Supported {
		for _, k := range need {
			if !i18n.Has(lang, k) {
				t.Errorf("%s: no message %q", lang, k)
			}
		}
	}
	zh := i18n.For("zh-CN")
	for f, want := range export.FlagZH {
		if got := zh.T("result_flag." + f); got != want {
			t.Errorf("flag %s: page says %q, Excel %q", f, got, want)
		}
	}
	for tt, want := range export.TargetTypeZH {
		if got := zh.T("target_type." + string(tt)); got != want {
			t.Errorf("target type %s: page says %q, Excel %q", tt, got, want)
		}
	}
	for r, want := range api.LevelLabels {
		if got := zh.T("ballot_rating." + string(r)); got != want {
			t.Errorf("rating %s: page says %q, API %q", r, got, want)
		}
	}
}
