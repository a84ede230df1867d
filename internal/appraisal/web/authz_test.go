package web_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	appraisalweb "github.com/pingyi/pingyi/internal/appraisal/web"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web/webtest"
)

// campaignAuthz are the authorization lines of the appraisal routes (routes.go).
// Columns: anonymous, admin, org_admin (T1), secretary (V1), member (V1),
// inspector (T1). POSTs send an empty form: refused (422, or 400 without
// a file) once let in, so the matrix changes nothing.
var campaignAuthz = []webtest.Case{
	// Campaigns
	{Route: "GET /campaigns", In: webtest.Want{303, 200, 200, 200, 200, 200}},
	{Route: "GET /campaigns/new", In: webtest.Want{303, 200, 200, 403, 403, 403}},
	{Route: "POST /campaigns/new", In: webtest.Want{303, 422, 422, 403, 403, 403}},
	{Route: "GET /campaigns/{code}", Obj: "campaign", In: webtest.Want{303, 200, 200, 200, 403, 200}, Out: webtest.Want{303, 200, 404, 404, 403, 404}},
	{Route: "GET /campaigns/{code}/edit", Obj: "campaign", In: webtest.Want{303, 200, 200, 403, 403, 403}, Out: webtest.Want{303, 200, 404, 403, 403, 403}},
	{Route: "POST /campaigns/{code}/edit", Obj: "campaign", In: webtest.Want{303, 422, 422, 403, 403, 403}, Out: webtest.Want{303, 422, 404, 403, 403, 403}},
	{Route: "POST /campaigns/{code}/phase", Obj: "campaign", In: webtest.Want{303, 422, 422, 403, 403, 403}, Out: webtest.Want{303, 422, 404, 403, 403, 403}},
	{Route: "POST /campaigns/{code}/notices", Obj: "campaign", In: webtest.Want{303, 422, 422, 403, 403, 403}, Out: webtest.Want{303, 422, 404, 403, 403, 403}},
	{Route: "GET /campaigns/{code}/criteria", Obj: "campaign", In: webtest.Want{303, 200, 200, 200, 403, 200}, Out: webtest.Want{303, 200, 404, 404, 403, 404}},
	{Route: "POST /campaigns/{code}/criteria", Obj: "campaign", In: webtest.Want{303, 422, 422, 403, 403, 403}, Out: webtest.Want{303, 422, 404, 403, 403, 403}},
	{Route: "GET /campaigns/{code}/coverage", Obj: "campaign", In: webtest.Want{303, 200, 200, 200, 403, 200}, Out: webtest.Want{303, 200, 404, 404, 403, 404}},
	// Not a rehearsal: 409 once let in.
	{Route: "GET /campaigns/{code}/wipe", Obj: "campaign", In: webtest.Want{303, 409, 409, 403, 403, 403}, Out: webtest.Want{303, 409, 404, 403, 403, 403}},
	{Route: "POST /campaigns/{code}/wipe", Obj: "campaign", In: webtest.Want{303, 409, 409, 403, 403, 403}, Out: webtest.Want{303, 409, 404, 403, 403, 403}},

	// Units (the secretary's outside case is another unit of a campaign
	// they see)
	{Route: "GET /campaigns/{code}/units/{org}", Obj: "unit", In: webtest.Want{303, 200, 200, 200, 403, 200}, Out: webtest.Want{303, 200, 404, 404, 403, 404}},
	{Route: "POST /campaigns/{code}/units/{org}/selfcheck", Obj: "unit", In: webtest.Want{303, 422, 422, 422, 403, 403}, Out: webtest.Want{303, 422, 404, 404, 403, 403}},
	{Route: "POST /campaigns/{code}/units/{org}/meeting", Obj: "unit", In: webtest.Want{303, 422, 422, 422, 403, 403}, Out: webtest.Want{303, 422, 404, 404, 403, 403}},
	{Route: "POST /campaigns/{code}/units/{org}/summaries", Obj: "unit", In: webtest.Want{303, 422, 422, 422, 403, 403}, Out: webtest.Want{303, 422, 404, 404, 403, 403}},
	// V2 is a window unit; V3 is not (404 for everyone let in).
	{Route: "GET /campaigns/{code}/units/{org}/window.png", Obj: "window_unit", In: webtest.Want{303, 200, 200, 404, 403, 403}, Out: webtest.Want{303, 404, 404, 404, 403, 403}},
	{Route: "GET /campaigns/{code}/summary", Obj: "campaign", In: webtest.Want{303, 403, 403, 200, 200, 403}, Out: webtest.Want{303, 403, 403, 404, 404, 403}},
	{Route: "POST /campaigns/{code}/summary", Obj: "campaign", In: webtest.Want{303, 403, 403, 422, 422, 403}, Out: webtest.Want{303, 403, 403, 404, 404, 403}},

	// Codes and paper ballots
	{Route: "GET /campaigns/{code}/codes", Obj: "campaign", In: webtest.Want{303, 200, 200, 200, 403, 200}, Out: webtest.Want{303, 200, 404, 404, 403, 404}},
	{Route: "POST /campaigns/{code}/codes", Obj: "campaign", In: webtest.Want{303, 422, 422, 422, 403, 403}, Out: webtest.Want{303, 422, 404, 404, 403, 403}},
	{Route: "GET /campaigns/{code}/ballots", Obj: "campaign", In: webtest.Want{303, 200, 200, 403, 403, 403}, Out: webtest.Want{303, 200, 404, 403, 403, 403}},
	{Route: "POST /campaigns/{code}/ballots", Obj: "campaign", In: webtest.Want{303, 400, 400, 403, 403, 403}, Out: webtest.Want{303, 400, 404, 403, 403, 403}},
	{Route: "GET /campaigns/{code}/ballots/template", Obj: "campaign", In: webtest.Want{303, 200, 200, 403, 403, 403}, Out: webtest.Want{303, 200, 404, 403, 403, 403}},

	// Results (of closed campaigns)
	{Route: "GET /campaigns/{code}/results", Obj: "closed", In: webtest.Want{303, 200, 200, 200, 403, 200}, Out: webtest.Want{303, 200, 404, 404, 403, 404}},
	{Route: "GET /campaigns/{code}/results.xlsx", Obj: "closed", In: webtest.Want{303, 200, 200, 200, 403, 200}, Out: webtest.Want{303, 200, 404, 404, 403, 404}},
	{Route: "GET /campaigns/{code}/results.csv", Obj: "closed", In: webtest.Want{303, 200, 200, 200, 403, 200}, Out: webtest.Want{303, 200, 404, 404, 403, 404}},

	// Publicity and objections (the campaign is open: no publicity yet)
	{Route: "POST /campaigns/{code}/publicity", Obj: "campaign", In: webtest.Want{303, 409, 409, 403, 403, 403}, Out: webtest.Want{303, 409, 404, 403, 403, 403}},
	{Route: "POST /campaigns/{code}/objections", Obj: "campaign", In: webtest.Want{303, 422, 422, 403, 403, 403}, Out: webtest.Want{303, 422, 404, 403, 403, 403}},
	{Route: "GET /p/{code}", Obj: "public", In: webtest.All(200)},
	{Route: "POST /p/{code}/objections", Obj: "public", In: webtest.All(422)},

	// Rectification
	{Route: "GET /campaigns/{code}/rectifications", Obj: "campaign", In: webtest.Want{303, 200, 200, 200, 403, 200}, Out: webtest.Want{303, 200, 404, 404, 403, 404}},
	{Route: "POST /campaigns/{code}/rectifications", Obj: "campaign", In: webtest.Want{303, 422, 422, 422, 403, 403}, Out: webtest.Want{303, 422, 404, 404, 403, 403}},
	{Route: "GET /rectifications", In: webtest.Want{303, 200, 200, 200, 403, 200}},
	{Route: "GET /rectifications/{id}", Obj: "rectification", In: webtest.Want{303, 200, 200, 200, 403, 200}, Out: webtest.Want{303, 200, 404, 404, 403, 404}},
	{Route: "POST /rectifications/{id}", Obj: "rectification", In: webtest.Want{303, 422, 422, 422, 403, 403}, Out: webtest.Want{303, 422, 404, 404, 403, 403}},
	{Route: "POST /rectifications/{id}/evidence", Obj: "rectification", In: webtest.Want{303, 400, 400, 400, 403, 403}, Out: webtest.Want{303, 400, 404, 404, 403, 403}},
	// The superior verifies: the admin and T1's org admin for V1's item.
	{Route: "POST /rectifications/{id}/verify", Obj: "rectification", In: webtest.Want{303, 422, 422, 403, 403, 403}, Out: webtest.Want{303, 422, 404, 403, 403, 403}},
	{Route: "GET /evidence/{id}", Obj: "evidence", In: webtest.Want{303, 200, 200, 200, 403, 200}, Out: webtest.Want{303, 200, 404, 404, 403, 404}},

	// The public's phone pages and the JSON API (a code is the credential)
	{Route: "GET /b/{code}", Obj: "code", In: webtest.All(200)},
	{Route: "POST /b/{code}", Obj: "code", In: webtest.All(422)},
	{Route: "GET /r/{receipt}", Obj: "receipt", In: webtest.All(200)},
	{Route: "GET /r", In: webtest.All(200)},
	{Route: "GET /w/{code}", Obj: "window", In: webtest.All(200)},
	{Route: "POST /w/{code}", Obj: "window", In: webtest.All(422)},
	{Route: "GET /api/v1/ballots/{code}", Obj: "code", In: webtest.All(200)},
	{Route: "POST /api/v1/ballots", In: webtest.All(400)},
	{Route: "GET /api/v1/receipts/{receipt}", Obj: "receipt", In: webtest.All(200)},
}

// campaignObjects makes the campaigns of the matrix. Campaign codes equal
// org codes so that the two wildcards of /campaigns/{code}/units/{org}
// (filled with the same string) name campaign V1's unit V1, and so on:
//
//	V1  scope T1, open     (units V1, V2; V2 a window unit)
//	V2  scope T1, closed   (publicity started)
//	V3  scope T2, open     (unit V3)
//	X2  scope T2, closed
func campaignObjects(f *webtest.Fixture) map[string]webtest.Objects {
	ctx := context.Background()
	t := f.T
	past := func(h int) string { return time.Now().Add(time.Duration(-h) * time.Hour).UTC().Format(time.RFC3339) }
	mk := func(code, scope string, closed bool) *pingyi.Campaign {
		c := &pingyi.Campaign{Code: code, Name: "测评活动" + code, ScopeCode: scope, Kind: pingyi.KindMass}
		if closed {
			c.Opens, c.Closes = past(48), past(24)
		}
		if err := appraisal.New(f.St).CreateCampaign(ctx, c, store.CLI); err != nil {
			t.Fatal(err)
		}
		return c
	}
	v1, v2, v3 := mk("V1", "T1", false), mk("V2", "T1", true), mk("V3", "T2", false)
	mk("X2", "T2", true)
	if err := appraisal.New(f.St).StartPublicity(ctx, v2, store.CLI); err != nil {
		t.Fatal(err)
	}
	codes, err := appraisal.New(f.St).IssueCodes(ctx, v1, "V1", pingyi.EvalMassRep, 2, store.CLI)
	if err != nil {
		t.Fatal(err)
	}
	receipt, err := appraisal.New(f.St).SubmitBallot(ctx, codes[1], []appraisal.RatingInput{{TargetType: "org", TargetCode: "V1", Rating: "satisfied"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	window, err := appraisal.New(f.St).WindowCode(ctx, v1, "V2", store.CLI)
	if err != nil {
		t.Fatal(err)
	}
	item := func(c *pingyi.Campaign, org string) (string, string) {
		o, err := f.St.Org(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		r := &appraisal.Rectification{CampaignID: c.ID, OrgID: o.ID, Problem: "问题" + org}
		if err := appraisal.New(f.St).SaveRectification(ctx, r, store.CLI); err != nil {
			t.Fatal(err)
		}
		if err := appraisal.New(f.St).AddEvidence(ctx, r.ID, "证明.txt", "text/plain", []byte("整改材料"), store.CLI); err != nil {
			t.Fatal(err)
		}
		full, err := appraisal.New(f.St).Rectification(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(r.ID, 10), strconv.FormatInt(full.Files[0].ID, 10)
	}
	rectIn, fileIn := item(v1, "V1")
	rectOut, fileOut := item(v3, "V3")
	same := func(s string) [6]string { return [6]string{s, s, s, s, s, s} }
	return map[string]webtest.Objects{
		"campaign":      {In: same("V1"), Out: same("V3")},
		"closed":        {In: same("V2"), Out: same("X2")},
		"unit":          {In: same("V1"), Out: [6]string{"V3", "V3", "V3", "V2", "V2", "V3"}},
		"window_unit":   {In: same("V2"), Out: same("V3")},
		"public":        {In: same("V2")},
		"code":          {In: same(codes[0])},
		"receipt":       {In: same(receipt)},
		"window":        {In: same(window)},
		"rectification": {In: same(rectIn), Out: same(rectOut)},
		"evidence":      {In: same(fileIn), Out: same(fileOut)},
	}
}

func TestAuthorizationMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := webtest.New(t, st, appraisalweb.New)
		objs := webtest.ShellObjects(f)
		for k, v := range campaignObjects(f) {
			objs[k] = v
		}
		webtest.Authz(t, f, f.Srv.Features()[0].Routes(), campaignAuthz, objs)
	})
}

// TestWriteRoutesRefuseInspectors: an inspector never passes an appraisal
// route that writes.
func TestWriteRoutesRefuseInspectors(t *testing.T) {
	f := webtest.New(t, storetest.SQLite(t), appraisalweb.New)
	webtest.WritesRefuseInspectors(t, f, f.Srv.Features()[0].Routes())
}
