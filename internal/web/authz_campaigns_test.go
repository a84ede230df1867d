package web

import (
	"context"
	"strconv"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
)

// campaignAuthz are the authorization lines of the campaign routes.
// Columns: anonymous, admin, org_admin (T1), secretary (V1), member (V1),
// inspector (T1). POSTs send an empty form: refused (422, or 400 without
// a file) once let in, so the matrix changes nothing.
var campaignAuthz = []authzCase{
	// Campaigns
	{route: "GET /campaigns", in: want{303, 200, 200, 200, 200, 200}},
	{route: "GET /campaigns/new", in: want{303, 200, 200, 403, 403, 403}},
	{route: "POST /campaigns/new", in: want{303, 422, 422, 403, 403, 403}},
	{route: "GET /campaigns/{code}", obj: "campaign", in: want{303, 200, 200, 200, 403, 200}, out: want{303, 200, 404, 404, 403, 404}},
	{route: "GET /campaigns/{code}/edit", obj: "campaign", in: want{303, 200, 200, 403, 403, 403}, out: want{303, 200, 404, 403, 403, 403}},
	{route: "POST /campaigns/{code}/edit", obj: "campaign", in: want{303, 422, 422, 403, 403, 403}, out: want{303, 422, 404, 403, 403, 403}},
	{route: "POST /campaigns/{code}/phase", obj: "campaign", in: want{303, 422, 422, 403, 403, 403}, out: want{303, 422, 404, 403, 403, 403}},
	{route: "POST /campaigns/{code}/notices", obj: "campaign", in: want{303, 422, 422, 403, 403, 403}, out: want{303, 422, 404, 403, 403, 403}},
	{route: "GET /campaigns/{code}/criteria", obj: "campaign", in: want{303, 200, 200, 200, 403, 200}, out: want{303, 200, 404, 404, 403, 404}},
	{route: "POST /campaigns/{code}/criteria", obj: "campaign", in: want{303, 422, 422, 403, 403, 403}, out: want{303, 422, 404, 403, 403, 403}},
	{route: "GET /campaigns/{code}/coverage", obj: "campaign", in: want{303, 200, 200, 200, 403, 200}, out: want{303, 200, 404, 404, 403, 404}},
	// Not a rehearsal: 409 once let in.
	{route: "GET /campaigns/{code}/wipe", obj: "campaign", in: want{303, 409, 409, 403, 403, 403}, out: want{303, 409, 404, 403, 403, 403}},
	{route: "POST /campaigns/{code}/wipe", obj: "campaign", in: want{303, 409, 409, 403, 403, 403}, out: want{303, 409, 404, 403, 403, 403}},

	// Units (the secretary's outside case is another unit of a campaign
	// they see)
	{route: "GET /campaigns/{code}/units/{org}", obj: "unit", in: want{303, 200, 200, 200, 403, 200}, out: want{303, 200, 404, 404, 403, 404}},
	{route: "POST /campaigns/{code}/units/{org}/selfcheck", obj: "unit", in: want{303, 422, 422, 422, 403, 403}, out: want{303, 422, 404, 404, 403, 403}},
	{route: "POST /campaigns/{code}/units/{org}/meeting", obj: "unit", in: want{303, 422, 422, 422, 403, 403}, out: want{303, 422, 404, 404, 403, 403}},
	{route: "POST /campaigns/{code}/units/{org}/summaries", obj: "unit", in: want{303, 422, 422, 422, 403, 403}, out: want{303, 422, 404, 404, 403, 403}},
	// V2 is a window unit; V3 is not (404 for everyone let in).
	{route: "GET /campaigns/{code}/units/{org}/window.png", obj: "window_unit", in: want{303, 200, 200, 404, 403, 403}, out: want{303, 404, 404, 404, 403, 403}},
	{route: "GET /campaigns/{code}/summary", obj: "campaign", in: want{303, 403, 403, 200, 200, 403}, out: want{303, 403, 403, 404, 404, 403}},
	{route: "POST /campaigns/{code}/summary", obj: "campaign", in: want{303, 403, 403, 422, 422, 403}, out: want{303, 403, 403, 404, 404, 403}},

	// Codes and paper ballots
	{route: "GET /campaigns/{code}/codes", obj: "campaign", in: want{303, 200, 200, 200, 403, 200}, out: want{303, 200, 404, 404, 403, 404}},
	{route: "POST /campaigns/{code}/codes", obj: "campaign", in: want{303, 422, 422, 422, 403, 403}, out: want{303, 422, 404, 404, 403, 403}},
	{route: "GET /campaigns/{code}/ballots", obj: "campaign", in: want{303, 200, 200, 403, 403, 403}, out: want{303, 200, 404, 403, 403, 403}},
	{route: "POST /campaigns/{code}/ballots", obj: "campaign", in: want{303, 400, 400, 403, 403, 403}, out: want{303, 400, 404, 403, 403, 403}},

	// Results (of closed campaigns)
	{route: "GET /campaigns/{code}/results", obj: "closed", in: want{303, 200, 200, 200, 403, 200}, out: want{303, 200, 404, 404, 403, 404}},
	{route: "GET /campaigns/{code}/results.xlsx", obj: "closed", in: want{303, 200, 200, 200, 403, 200}, out: want{303, 200, 404, 404, 403, 404}},
	{route: "GET /campaigns/{code}/results.csv", obj: "closed", in: want{303, 200, 200, 200, 403, 200}, out: want{303, 200, 404, 404, 403, 404}},

	// Publicity and objections (the campaign is open: no publicity yet)
	{route: "POST /campaigns/{code}/publicity", obj: "campaign", in: want{303, 409, 409, 403, 403, 403}, out: want{303, 409, 404, 403, 403, 403}},
	{route: "POST /campaigns/{code}/objections", obj: "campaign", in: want{303, 422, 422, 403, 403, 403}, out: want{303, 422, 404, 403, 403, 403}},
	{route: "GET /p/{code}", obj: "public", in: all(200)},
	{route: "POST /p/{code}/objections", obj: "public", in: all(422)},

	// Rectification
	{route: "GET /campaigns/{code}/rectifications", obj: "campaign", in: want{303, 200, 200, 200, 403, 200}, out: want{303, 200, 404, 404, 403, 404}},
	{route: "POST /campaigns/{code}/rectifications", obj: "campaign", in: want{303, 422, 422, 422, 403, 403}, out: want{303, 422, 404, 404, 403, 403}},
	{route: "GET /rectifications", in: want{303, 200, 200, 200, 403, 200}},
	{route: "GET /rectifications/{id}", obj: "rectification", in: want{303, 200, 200, 200, 403, 200}, out: want{303, 200, 404, 404, 403, 404}},
	{route: "POST /rectifications/{id}", obj: "rectification", in: want{303, 422, 422, 422, 403, 403}, out: want{303, 422, 404, 404, 403, 403}},
	{route: "POST /rectifications/{id}/evidence", obj: "rectification", in: want{303, 400, 400, 400, 403, 403}, out: want{303, 400, 404, 404, 403, 403}},
	// The superior verifies: the admin and T1's org admin for V1's item.
	{route: "POST /rectifications/{id}/verify", obj: "rectification", in: want{303, 422, 422, 403, 403, 403}, out: want{303, 422, 404, 403, 403, 403}},
	{route: "GET /evidence/{id}", obj: "evidence", in: want{303, 200, 200, 200, 403, 200}, out: want{303, 200, 404, 404, 403, 404}},

	// The public's phone pages and the JSON API (a code is the credential)
	{route: "GET /b/{code}", obj: "code", in: all(200)},
	{route: "POST /b/{code}", obj: "code", in: all(422)},
	{route: "GET /r/{receipt}", obj: "receipt", in: all(200)},
	{route: "GET /w/{code}", obj: "window", in: all(200)},
	{route: "POST /w/{code}", obj: "window", in: all(422)},
	{route: "GET /api/v1/ballots/{code}", obj: "code", in: all(200)},
	{route: "POST /api/v1/ballots", in: all(400)},
	{route: "GET /api/v1/receipts/{receipt}", obj: "receipt", in: all(200)},
}

// campaignObjects makes the campaigns of the matrix. Campaign codes equal
// org codes so that the two wildcards of /campaigns/{code}/units/{org}
// (filled with the same string) name campaign V1's unit V1, and so on:
//
//	V1  scope T1, open     (units V1, V2; V2 a window unit)
//	V2  scope T1, closed   (publicity started)
//	V3  scope T2, open     (unit V3)
//	X2  scope T2, closed
func campaignObjects(f *fixture) map[string]objects {
	ctx := context.Background()
	t := f.t
	past := func(h int) string { return time.Now().Add(time.Duration(-h) * time.Hour).UTC().Format(time.RFC3339) }
	mk := func(code, scope string, closed bool) *pingyi.Campaign {
		c := &pingyi.Campaign{Code: code, Name: "测评活动" + code, ScopeCode: scope, Kind: pingyi.KindMass}
		if closed {
			c.Opens, c.Closes = past(48), past(24)
		}
		if err := f.st.CreateCampaign(ctx, c, store.CLI); err != nil {
			t.Fatal(err)
		}
		return c
	}
	v1, v2, v3 := mk("V1", "T1", false), mk("V2", "T1", true), mk("V3", "T2", false)
	mk("X2", "T2", true)
	if err := f.st.StartPublicity(ctx, v2, store.CLI); err != nil {
		t.Fatal(err)
	}
	codes, err := f.st.IssueCodes(ctx, v1, "V1", pingyi.EvalMassRep, 2, store.CLI)
	if err != nil {
		t.Fatal(err)
	}
	receipt, err := f.st.SubmitBallot(ctx, codes[1], []store.RatingInput{{TargetType: "org", TargetCode: "V1", Rating: "satisfied"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	window, err := f.st.WindowCode(ctx, v1, "V2", store.CLI)
	if err != nil {
		t.Fatal(err)
	}
	item := func(c *pingyi.Campaign, org string) (string, string) {
		o, err := f.st.Org(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		r := &store.Rectification{CampaignID: c.ID, OrgID: o.ID, Problem: "问题" + org}
		if err := f.st.SaveRectification(ctx, r, store.CLI); err != nil {
			t.Fatal(err)
		}
		if err := f.st.AddEvidence(ctx, r.ID, "证明.txt", "text/plain", []byte("整改材料"), store.CLI); err != nil {
			t.Fatal(err)
		}
		full, err := f.st.Rectification(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(r.ID, 10), strconv.FormatInt(full.Files[0].ID, 10)
	}
	rectIn, fileIn := item(v1, "V1")
	rectOut, fileOut := item(v3, "V3")
	same := func(s string) [6]string { return [6]string{s, s, s, s, s, s} }
	return map[string]objects{
		"campaign":      {in: same("V1"), out: same("V3")},
		"closed":        {in: same("V2"), out: same("X2")},
		"unit":          {in: same("V1"), out: [6]string{"V3", "V3", "V3", "V2", "V2", "V3"}},
		"window_unit":   {in: same("V2"), out: same("V3")},
		"public":        {in: same("V2")},
		"code":          {in: same(codes[0])},
		"receipt":       {in: same(receipt)},
		"window":        {in: same(window)},
		"rectification": {in: same(rectIn), out: same(rectOut)},
		"evidence":      {in: same(fileIn), out: same(fileOut)},
	}
}
