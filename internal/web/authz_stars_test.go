package web

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"strconv"
	"time"

	"github.com/pingyi/pingyi/internal/store"
)

// starAuthz are the authorization lines of the star routes (routes_stars.go).
// POSTs go with an empty form: refused (422) once let in, except where
// noted. Objects: "member" and "org" as in authzObjects; "comment" a
// public comment on M2 (in) or M5 (out); "logentry" a logbook entry with a
// photo of M2 (in) or M5 (out); "starobjection" "V1|id" of an objection
// to V1's results (in) or "V3|id" to V3's (out); "logentry_del" one entry per visitor, since
// deleting one makes it gone for the next.
var starAuthz = []authzCase{
	// The district view: a member account goes to its own star page.
	{route: "GET /stars", in: want{303, 200, 200, 200, 303, 200}},
	{route: "GET /stars/lists", in: want{303, 200, 200, 200, 403, 200}},
	{route: "GET /stars/comments", in: want{303, 200, 200, 200, 403, 200}},
	{route: "POST /stars/comments/{id}", obj: "comment", in: want{303, 422, 422, 422, 403, 403}, out: want{303, 422, 404, 404, 403, 403}},
	{route: "GET /stars/import", in: want{303, 200, 200, 403, 403, 403}},
	{route: "POST /stars/import", in: want{303, 400, 400, 403, 403, 403}}, // no file
	{route: "GET /stars/rules", in: want{303, 200, 200, 403, 403, 403}},
	{route: "POST /stars/rules", in: want{303, 422, 403, 403, 403, 403}},

	// A branch
	{route: "GET /stars/orgs/{code}", obj: "org", in: want{303, 200, 200, 200, 403, 200}, out: want{303, 200, 404, 404, 403, 404}},
	// nothing rated: finalizing stores nothing and goes back to the page
	{route: "POST /stars/orgs/{code}/finalize", obj: "org", in: want{303, 303, 303, 303, 403, 403}, out: want{303, 303, 404, 404, 403, 403}},
	{route: "GET /stars/orgs/{code}/bulletin", obj: "org", in: want{303, 200, 200, 200, 403, 200}, out: want{303, 200, 404, 404, 403, 404}},
	{route: "GET /stars/orgs/{code}/plates", obj: "org", in: want{303, 200, 200, 200, 403, 200}, out: want{303, 200, 404, 404, 403, 404}},
	// mass appraisal codes: those who manage the branch (an empty form has no count: 422)
	{route: "GET /stars/orgs/{code}/mass-codes", obj: "org", in: want{303, 200, 200, 200, 403, 403}, out: want{303, 200, 404, 404, 403, 403}},
	{route: "POST /stars/orgs/{code}/mass-codes", obj: "org", in: want{303, 422, 422, 422, 403, 403}, out: want{303, 422, 404, 404, 403, 403}},
	// the year-end publicity: answer an objection (an empty answer: 422)
	{route: "POST /stars/orgs/{code}/objections/{id}", obj: "starobjection", in: want{303, 422, 422, 422, 403, 403}, out: want{303, 422, 404, 404, 403, 403}},
	// the secretary's half-year debrief (an empty form has no debrief: 422)
	{route: "POST /stars/orgs/{code}/debrief", obj: "org", in: want{303, 422, 422, 422, 403, 403}, out: want{303, 422, 404, 404, 403, 403}},

	// A member: members see only themselves.
	{route: "GET /stars/members/{code}", obj: "member", in: want{303, 200, 200, 200, 200, 200}, out: want{303, 200, 404, 404, 404, 404}},
	{route: "POST /stars/members/{code}/goal", obj: "member", in: want{303, 422, 422, 422, 422, 403}, out: want{303, 422, 404, 404, 404, 403}},
	{route: "POST /stars/members/{code}/preassessment", obj: "member", in: want{303, 422, 422, 422, 403, 403}, out: want{303, 422, 404, 404, 403, 403}},
	{route: "POST /stars/members/{code}/assessment", obj: "member", in: want{303, 422, 422, 422, 422, 403}, out: want{303, 422, 404, 404, 404, 403}},
	{route: "POST /stars/members/{code}/rating", obj: "member", in: want{303, 422, 422, 422, 403, 403}, out: want{303, 422, 404, 404, 403, 403}},
	{route: "POST /stars/members/{code}/followups", obj: "member", in: want{303, 422, 422, 422, 403, 403}, out: want{303, 422, 404, 404, 403, 403}},
	{route: "GET /stars/members/{code}/plate", obj: "member", in: want{303, 200, 200, 200, 200, 200}, out: want{303, 200, 404, 404, 404, 404}},

	// The logbook
	{route: "GET /stars/members/{code}/log", obj: "member", in: want{303, 200, 200, 200, 200, 200}, out: want{303, 200, 404, 404, 404, 404}},
	{route: "POST /stars/members/{code}/log", obj: "member", in: want{303, 422, 422, 422, 422, 403}, out: want{303, 422, 404, 404, 404, 403}},
	{route: "GET /stars/log/{id}/photo", obj: "logentry", in: want{303, 200, 200, 200, 200, 200}, out: want{303, 200, 404, 404, 404, 404}},
	{route: "POST /stars/log/{id}/delete", obj: "logentry_del", in: want{303, 303, 303, 303, 303, 403}, out: want{303, 303, 404, 404, 404, 403}},

	// Peer assessment: accounts that are members (an empty form names nobody: 404)
	{route: "GET /stars/peer", in: want{303, 403, 403, 200, 200, 403}},
	{route: "POST /stars/peer", in: want{303, 403, 403, 404, 404, 403}},

	// The public
	{route: "GET /m/{code}", obj: "member", in: all(200), out: all(200)},
	{route: "POST /m/{code}/comments", obj: "member", in: all(422), out: all(422)},
	{route: "GET /m/org/{code}", obj: "org", in: all(200), out: all(200)},
	// an objection to the results (an empty form: 422, not counted by the rate limit)
	{route: "POST /m/org/{code}/objections", obj: "org", in: all(422), out: all(422)},
	// a star mass code (an empty form rates nobody: 422, the code stays unused)
	{route: "GET /s/{code}", obj: "starcode", in: all(200)},
	{route: "POST /s/{code}", obj: "starcode", in: all(422)},
}

// tinyPNG is a 1×1 PNG (a logbook photo).
func tinyPNG() []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 1, 1)))
	return b.Bytes()
}

// starObjects adds the object kinds star routes need.
func starObjects(f *fixture) map[string]objects {
	ctx := context.Background()
	comment := func(member string) string {
		c, err := f.st.AddStarComment(ctx, member, "门牌留言")
		if err != nil {
			f.t.Fatal(err)
		}
		return strconv.FormatInt(c.ID, 10)
	}
	entry := func(member string) string {
		e := &store.StarLogEntry{MemberCode: member, Day: "2025-03-01", Kind: store.LogServiceActivity, Content: "打扫村道", Photo: tinyPNG()}
		if err := f.st.AddStarLogEntry(ctx, e, store.CLI); err != nil {
			f.t.Fatal(err)
		}
		return strconv.FormatInt(e.ID, 10)
	}
	same := func(s string) [6]string { return [6]string{s, s, s, s, s, s} }
	massCodes, err := f.st.IssueStarMassCodes(ctx, time.Now().Year(), "V1", 1, store.CLI)
	if err != nil {
		f.t.Fatal(err)
	}
	objection := func(org string) string {
		id, err := f.st.FileStarObjection(ctx, time.Now().Year(), org, "", "结果有异议", "")
		if err != nil {
			f.t.Fatal(err)
		}
		return org + "|" + strconv.FormatInt(id, 10)
	}
	var delIn, delOut [6]string
	for i := range delIn {
		delIn[i], delOut[i] = entry("M2"), entry("M5")
	}
	return map[string]objects{
		"comment":       {in: same(comment("M2")), out: same(comment("M5"))},
		"logentry":      {in: same(entry("M2")), out: same(entry("M5"))},
		"logentry_del":  {in: delIn, out: delOut},
		"starcode":      {in: same(massCodes[0])},
		"starobjection": {in: same(objection("V1")), out: same(objection("V3"))},
	}
}
