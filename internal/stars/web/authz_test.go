package web_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"strconv"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/stars"
	starsweb "github.com/pingyi/pingyi/internal/stars/web"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web/webtest"
)

// starAuthz are the authorization lines of the star routes (routes.go).
// POSTs go with an empty form: refused (422) once let in, except where
// noted. Objects: "member" and "org" as in webtest.ShellObjects; "comment" a
// public comment on M2 (in) or M5 (out); "logentry" a logbook entry with a
// photo of M2 (in) or M5 (out); "starobjection" "V1|id" of an objection
// to V1's results (in) or "V3|id" to V3's (out); "logentry_del" one entry per visitor, since
// deleting one makes it gone for the next.
var starAuthz = []webtest.Case{
	// The district view: a member account goes to its own star page.
	{Route: "GET /stars", In: webtest.Want{303, 200, 200, 200, 303, 200}},
	{Route: "GET /stars/lists", In: webtest.Want{303, 200, 200, 200, 403, 200}},
	{Route: "GET /stars/comments", In: webtest.Want{303, 200, 200, 200, 403, 200}},
	{Route: "POST /stars/comments/{id}", Obj: "comment", In: webtest.Want{303, 422, 422, 422, 403, 403}, Out: webtest.Want{303, 422, 404, 404, 403, 403}},
	{Route: "GET /stars/import", In: webtest.Want{303, 200, 200, 403, 403, 403}},
	{Route: "POST /stars/import", In: webtest.Want{303, 400, 400, 403, 403, 403}}, // no file
	{Route: "GET /stars/import/template", In: webtest.Want{303, 200, 200, 403, 403, 403}},
	{Route: "GET /stars/rules", In: webtest.Want{303, 200, 200, 403, 403, 403}},
	{Route: "POST /stars/rules", In: webtest.Want{303, 422, 403, 403, 403, 403}},

	// A branch
	{Route: "GET /stars/orgs/{code}", Obj: "org", In: webtest.Want{303, 200, 200, 200, 403, 200}, Out: webtest.Want{303, 200, 404, 404, 403, 404}},
	// nothing rated: finalizing stores nothing and goes back to the page
	{Route: "POST /stars/orgs/{code}/finalize", Obj: "org", In: webtest.Want{303, 303, 303, 303, 403, 403}, Out: webtest.Want{303, 303, 404, 404, 403, 403}},
	{Route: "GET /stars/orgs/{code}/bulletin", Obj: "org", In: webtest.Want{303, 200, 200, 200, 403, 200}, Out: webtest.Want{303, 200, 404, 404, 403, 404}},
	{Route: "GET /stars/orgs/{code}/plates", Obj: "org", In: webtest.Want{303, 200, 200, 200, 403, 200}, Out: webtest.Want{303, 200, 404, 404, 403, 404}},
	// mass appraisal codes: those who manage the branch (an empty form has no count: 422)
	{Route: "GET /stars/orgs/{code}/mass-codes", Obj: "org", In: webtest.Want{303, 200, 200, 200, 403, 403}, Out: webtest.Want{303, 200, 404, 404, 403, 403}},
	{Route: "POST /stars/orgs/{code}/mass-codes", Obj: "org", In: webtest.Want{303, 422, 422, 422, 403, 403}, Out: webtest.Want{303, 422, 404, 404, 403, 403}},
	// the year-end publicity: answer an objection (an empty answer: 422)
	{Route: "POST /stars/orgs/{code}/objections/{id}", Obj: "starobjection", In: webtest.Want{303, 422, 422, 422, 403, 403}, Out: webtest.Want{303, 422, 404, 404, 403, 403}},
	// the secretary's half-year debrief (an empty form has no debrief: 422)
	{Route: "POST /stars/orgs/{code}/debrief", Obj: "org", In: webtest.Want{303, 422, 422, 422, 403, 403}, Out: webtest.Want{303, 422, 404, 404, 403, 403}},

	// A member: members see only themselves.
	{Route: "GET /stars/members/{code}", Obj: "member", In: webtest.Want{303, 200, 200, 200, 200, 200}, Out: webtest.Want{303, 200, 404, 404, 404, 404}},
	{Route: "POST /stars/members/{code}/goal", Obj: "member", In: webtest.Want{303, 422, 422, 422, 422, 403}, Out: webtest.Want{303, 422, 404, 404, 404, 403}},
	{Route: "POST /stars/members/{code}/preassessment", Obj: "member", In: webtest.Want{303, 422, 422, 422, 403, 403}, Out: webtest.Want{303, 422, 404, 404, 403, 403}},
	{Route: "POST /stars/members/{code}/assessment", Obj: "member", In: webtest.Want{303, 422, 422, 422, 422, 403}, Out: webtest.Want{303, 422, 404, 404, 404, 403}},
	{Route: "POST /stars/members/{code}/rating", Obj: "member", In: webtest.Want{303, 422, 422, 422, 403, 403}, Out: webtest.Want{303, 422, 404, 404, 403, 403}},
	{Route: "POST /stars/members/{code}/followups", Obj: "member", In: webtest.Want{303, 422, 422, 422, 403, 403}, Out: webtest.Want{303, 422, 404, 404, 403, 403}},
	{Route: "GET /stars/members/{code}/plate", Obj: "member", In: webtest.Want{303, 200, 200, 200, 200, 200}, Out: webtest.Want{303, 200, 404, 404, 404, 404}},

	// The logbook
	{Route: "GET /stars/members/{code}/log", Obj: "member", In: webtest.Want{303, 200, 200, 200, 200, 200}, Out: webtest.Want{303, 200, 404, 404, 404, 404}},
	{Route: "POST /stars/members/{code}/log", Obj: "member", In: webtest.Want{303, 422, 422, 422, 422, 403}, Out: webtest.Want{303, 422, 404, 404, 404, 403}},
	{Route: "GET /stars/log/{id}/photo", Obj: "logentry", In: webtest.Want{303, 200, 200, 200, 200, 200}, Out: webtest.Want{303, 200, 404, 404, 404, 404}},
	{Route: "POST /stars/log/{id}/delete", Obj: "logentry_del", In: webtest.Want{303, 303, 303, 303, 303, 403}, Out: webtest.Want{303, 303, 404, 404, 404, 403}},

	// Peer assessment: accounts that are members (an empty form names nobody: 404)
	{Route: "GET /stars/peer", In: webtest.Want{303, 403, 403, 200, 200, 403}},
	{Route: "POST /stars/peer", In: webtest.Want{303, 403, 403, 404, 404, 403}},

	// The public
	{Route: "GET /m/{code}", Obj: "member", In: webtest.All(200), Out: webtest.All(200)},
	{Route: "POST /m/{code}/comments", Obj: "member", In: webtest.All(422), Out: webtest.All(422)},
	{Route: "GET /m/org/{code}", Obj: "org", In: webtest.All(200), Out: webtest.All(200)},
	// an objection to the results (an empty form: 422, not counted by the rate limit)
	{Route: "POST /m/org/{code}/objections", Obj: "org", In: webtest.All(422), Out: webtest.All(422)},
	// a star mass code (an empty form rates nobody: 422, the code stays unused)
	{Route: "GET /s/{code}", Obj: "starcode", In: webtest.All(200)},
	{Route: "POST /s/{code}", Obj: "starcode", In: webtest.All(422)},
}

// pixelPNG is a 1×1 PNG (a logbook photo).
func pixelPNG() []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 1, 1)))
	return b.Bytes()
}

// starObjects adds the object kinds star routes need.
func starObjects(f *webtest.Fixture) map[string]webtest.Objects {
	ctx := context.Background()
	comment := func(member string) string {
		c, err := stars.New(f.St).AddComment(ctx, member, "门牌留言")
		if err != nil {
			f.T.Fatal(err)
		}
		return strconv.FormatInt(c.ID, 10)
	}
	entry := func(member string) string {
		e := &stars.LogEntry{MemberCode: member, Day: "2025-03-01", Kind: stars.LogServiceActivity, Content: "打扫村道", Photo: pixelPNG()}
		if err := stars.New(f.St).AddLogEntry(ctx, e, store.CLI); err != nil {
			f.T.Fatal(err)
		}
		return strconv.FormatInt(e.ID, 10)
	}
	same := func(s string) [6]string { return [6]string{s, s, s, s, s, s} }
	massCodes, err := stars.New(f.St).IssueMassCodes(ctx, time.Now().Year(), "V1", 1, store.CLI)
	if err != nil {
		f.T.Fatal(err)
	}
	objection := func(org string) string {
		id, err := stars.New(f.St).FileObjection(ctx, time.Now().Year(), org, "", "结果有异议", "")
		if err != nil {
			f.T.Fatal(err)
		}
		return org + "|" + strconv.FormatInt(id, 10)
	}
	var delIn, delOut [6]string
	for i := range delIn {
		delIn[i], delOut[i] = entry("M2"), entry("M5")
	}
	return map[string]webtest.Objects{
		"comment":       {In: same(comment("M2")), Out: same(comment("M5"))},
		"logentry":      {In: same(entry("M2")), Out: same(entry("M5"))},
		"logentry_del":  {In: delIn, Out: delOut},
		"starcode":      {In: same(massCodes[0])},
		"starobjection": {In: same(objection("V1")), Out: same(objection("V3"))},
	}
}

// TestAuthorizationMatrix: every star route, each visitor, inside and
// outside the subtree (webtest.Authz fails for a route without a line).
func TestAuthorizationMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := webtest.New(t, st, starsweb.New)
		objs := webtest.ShellObjects(f)
		for k, v := range starObjects(f) {
			objs[k] = v
		}
		webtest.Authz(t, f, f.Srv.Features()[0].Routes(), starAuthz, objs)
	})
}

// TestWriteRoutesRefuseInspectors: an inspector never passes a star route
// that writes.
func TestWriteRoutesRefuseInspectors(t *testing.T) {
	f := webtest.New(t, storetest.SQLite(t), starsweb.New)
	webtest.WritesRefuseInspectors(t, f, f.Srv.Features()[0].Routes())
}
