package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pdf"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
)

// Door plates (共产党员户, seed 003): an A5 plate per member, in Chinese,
// with a QR code to the member's public page (GET /m/{code}).

// plateFor builds a member's door plate of year: the latest finalized
// stars up to that year, and the responsibility book as the commitment.
func (s *Feature) plateFor(ctx context.Context, r *http.Request, m *pingyi.Member, branch string, year int, goal *stars.Goal, results []stars.Result) pdf.DoorPlate {
	zh := i18n.For("zh-CN")
	p := pdf.DoorPlate{MemberName: m.Name, BranchName: branch, Category: zh.T("category." + string(m.Category)),
		Year: strconv.Itoa(year), URL: s.publicMemberURL(r, m.Code)}
	for _, res := range results { // newest first
		if res.Year <= year {
			p.Stars, p.Cap = res.Stars, res.Cap
			break
		}
	}
	if goal != nil {
		p.Commitment = commitmentText(zh, goal)
	}
	return p
}

// commitmentText is the responsibility book in one paragraph.
func commitmentText(tr translator, g *stars.Goal) string {
	parts := []string{tr.T("stars_plate.aim", "N", g.StarsAimed, "Cap", g.Cap)}
	if g.Post != "" {
		post := starPostName(tr, g.Post)
		if g.PostNote != "" {
			post += "（" + g.PostNote + "）"
		}
		parts = append(parts, tr.T("stars_plate.post", "Post", post))
	}
	if g.Household1 != "" {
		hs := g.Household1
		if g.Household2 != "" {
			hs += "、" + g.Household2
		}
		parts = append(parts, tr.T("stars_plate.households", "Households", hs))
	}
	if g.Measures != "" {
		parts = append(parts, g.Measures)
	}
	return strings.Join(parts, "；")
}

// starMemberPlate is GET /stars/members/{code}/plate?year=: one member's
// door plate (PDF).
func (s *Feature) starMemberPlate(w http.ResponseWriter, r *http.Request) {
	year, subj, ok := s.starYearMember(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	goal, err := s.st.Goal(ctx, year, subj.Member.Code)
	if err != nil && !errors.Is(err, pingyi.ErrNotFound) {
		s.ServerError(w, r, err)
		return
	}
	results, err := s.st.MemberResults(ctx, subj.Member.Code)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	plate := s.plateFor(ctx, r, subj.Member, subj.Member.OrgName, year, goal, results)
	var buf bytes.Buffer
	if err := pdf.DoorPlates(&buf, []pdf.DoorPlate{plate}); err != nil {
		s.ServerError(w, r, err)
		return
	}
	sendFile(w, "application/pdf", fmt.Sprintf("plate-%s-%d.pdf", subj.Member.Code, year), buf.Bytes())
}

// starOrgPlates is GET /stars/orgs/{code}/plates?year=: the door plates of
// every member of the org (one A5 page each).
func (s *Feature) starOrgPlates(w http.ResponseWriter, r *http.Request) {
	year, ok := s.starYear(w, r)
	if !ok {
		return
	}
	o := s.VisibleOrg(w, r, r.PathValue("code"))
	if o == nil {
		return
	}
	ctx := r.Context()
	members, err := s.st.Members(ctx, o.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if len(members) == 0 {
		s.FailMsg(w, r, http.StatusNotFound, "stars_org.no_members")
		return
	}
	goals, err := s.st.Goals(ctx, pingyi.Scope{Path: o.Path}, year, false)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	goalOf := map[string]*stars.Goal{}
	for i := range goals {
		goalOf[goals[i].MemberCode] = &goals[i]
	}
	plates := make([]pdf.DoorPlate, 0, len(members))
	for i := range members {
		m := &members[i]
		results, err := s.st.MemberResults(ctx, m.Code)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		plates = append(plates, s.plateFor(ctx, r, m, o.Name, year, goalOf[m.Code], results))
	}
	var buf bytes.Buffer
	if err := pdf.DoorPlates(&buf, plates); err != nil {
		s.ServerError(w, r, err)
		return
	}
	sendFile(w, "application/pdf", fmt.Sprintf("plates-%s-%d.pdf", o.Code, year), buf.Bytes())
}
