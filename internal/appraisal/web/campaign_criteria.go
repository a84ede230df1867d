package web

import (
	"net/http"
	"slices"
	"strings"

	shell "github.com/pingyi/pingyi/internal/web"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// criteriaSet is the criteria of one target type: the general items and
// each domain's variant (分类指导; empty: the general items apply).
type criteriaSet struct {
	Type     pingyi.TargetType
	General  string   // one item a line
	List     []string // the general items
	Variants []criteriaVariant
	Error    string
}

type criteriaVariant struct {
	Domain pingyi.Domain
	Items  string
	List   []string
}

type campaignCriteriaView struct {
	shell.View
	Head campaignHead
	Sets []criteriaSet
}

func criteriaSets(all []pingyi.Criterion, types []pingyi.TargetType) []criteriaSet {
	var out []criteriaSet
	for _, t := range types {
		set := criteriaSet{Type: t}
		var general []string
		variants := map[pingyi.Domain][]string{}
		for _, c := range all {
			if c.TargetType != t {
				continue
			}
			if c.Domain == "" {
				general = append(general, c.Text)
			} else {
				variants[c.Domain] = append(variants[c.Domain], c.Text)
			}
		}
		set.General, set.List = strings.Join(general, "\n"), general
		for _, d := range pingyi.Domains {
			set.Variants = append(set.Variants, criteriaVariant{Domain: d, Items: strings.Join(variants[d], "\n"), List: variants[d]})
		}
		out = append(out, set)
	}
	return out
}

// campaignCriteria is GET /campaigns/{code}/criteria: the appraisal items
// per target type (seed 002's defaults, editable), with per-domain
// variants.
func (s *Feature) campaignCriteria(w http.ResponseWriter, r *http.Request) {
	c := s.loadCampaign(w, r)
	if c == nil {
		return
	}
	all, err := s.st.Criteria(r.Context(), c.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "campaign_criteria", &campaignCriteriaView{Head: s.head(r, c, "criteria"), Sets: criteriaSets(all, c.TargetTypes)})
}

// items splits a textarea into items: one a line, blank lines dropped.
func items(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// campaignCriteriaSave is POST /campaigns/{code}/criteria: the items of
// one target type (field target_type): general (items) and per domain
// (items_DOMAIN). Only what changed is stored.
func (s *Feature) campaignCriteriaSave(w http.ResponseWriter, r *http.Request) {
	c := s.managedCampaign(w, r)
	if c == nil {
		return
	}
	ctx := r.Context()
	tt := pingyi.TargetType(r.PostFormValue("target_type"))
	all, err := s.st.Criteria(ctx, c.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	sets := criteriaSets(all, c.TargetTypes)
	i := slices.IndexFunc(sets, func(cs criteriaSet) bool { return cs.Type == tt })
	if i < 0 {
		s.FailMsg(w, r, http.StatusUnprocessableEntity, "campaign_criteria.err_type")
		return
	}
	want := map[pingyi.Domain][]string{"": items(r.PostFormValue("items"))}
	for _, d := range pingyi.Domains {
		want[d] = items(r.PostFormValue("items_" + string(d)))
	}
	bad := ""
	if len(want[""]) == 0 {
		bad = s.Tr(r).T("campaign_criteria.err_empty")
	}
	for _, its := range want {
		if len(its) > 20 {
			bad = s.Tr(r).T("campaign_criteria.err_many", "N", 20)
		}
		for _, it := range its {
			if len([]rune(it)) > 200 {
				bad = s.Tr(r).T("campaign_criteria.err_long", "N", 200)
			}
		}
	}
	if bad != "" {
		sets[i].General = r.PostFormValue("items")
		for j := range sets[i].Variants {
			sets[i].Variants[j].Items = r.PostFormValue("items_" + string(sets[i].Variants[j].Domain))
		}
		sets[i].Error = bad
		s.Render(w, r, http.StatusUnprocessableEntity, "campaign_criteria", &campaignCriteriaView{Head: s.head(r, c, "criteria"), Sets: sets})
		return
	}
	have := map[pingyi.Domain][]string{"": items(sets[i].General)}
	for _, v := range sets[i].Variants {
		have[v.Domain] = items(v.Items)
	}
	for _, d := range append([]pingyi.Domain{""}, pingyi.Domains...) {
		if slices.Equal(have[d], want[d]) {
			continue
		}
		if err := s.st.SetCriteria(ctx, c, tt, d, want[d], shell.ActorOf(r)); err != nil {
			s.ServerError(w, r, err)
			return
		}
	}
	s.Flash(r, "campaign_criteria.saved")
	shell.Redirect(w, r, "/campaigns/"+c.Code+"/criteria")
}
