package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// TestControlCharactersRefused: a NUL in a code, an opinion or a rating is
// never a server error (PostgreSQL refuses NUL bytes in text): a code
// outside the code alphabet is unknown (404) before any query, control
// characters in a ballot are refused with 422 and nothing is stored; both
// databases answer alike.
func TestControlCharactersRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		_, codes := seed(t, s, 3, 3)
		srv := newServer(t, s)
		get := func(path string) int {
			resp, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		for path, want := range map[string]int{
			"/api/v1/ballots/%00":                          404,
			"/api/v1/ballots/" + codes[0] + "%00":          404,
			"/api/v1/ballots/%C3%28":                       404, // not UTF-8
			"/api/v1/ballots/" + strings.Repeat("A", 5000): 404,
			"/api/v1/ballots/" + strings.ToLower(codes[0]): 200,
			"/api/v1/receipts/%00":                         404,
			"/api/v1/receipts/AB%00CD":                     404,
		} {
			if got := get(path); got != want {
				t.Errorf("GET %s: %d, want %d", path, got, want)
			}
		}
		before := storetest.Dump(t, s)
		for name, req := range map[string]BallotRequest{
			"NUL in the opinion":   func() BallotRequest { b := fullBallot(codes[1]); b.Opinion = "好\x00"; return b }(),
			"ESC in the opinion":   func() BallotRequest { b := fullBallot(codes[1]); b.Opinion = "\x1b[31m"; return b }(),
			"NUL in a target code": func() BallotRequest { b := fullBallot(codes[1]); b.Ratings[0].TargetCode = "B1\x00"; return b }(),
			"NUL in a rating":      func() BallotRequest { b := fullBallot(codes[1]); b.Ratings[0].Rating = "\x00"; return b }(),
			"NUL in the code":      fullBallot(codes[1] + "\x00"),
		} {
			if st, body := post(t, srv.URL, req); st != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422 (%v)", name, st, body)
			}
		}
		if st, body := post(t, srv.URL, fullBallot("ABC=1+1")); st != http.StatusNotFound {
			t.Errorf("a code outside the alphabet: %d, want 404 (%v)", st, body)
		}
		if after := storetest.Dump(t, s); after != before {
			t.Error("a refused ballot changed the database")
		}
		// Line ends in an opinion are text.
		b := fullBallot(codes[2])
		b.Opinion = "第一行\r\n第二行\t完"
		if st, body := post(t, srv.URL, b); st != http.StatusCreated {
			t.Errorf("an opinion with line ends: %d (%v)", st, body)
		}
	})
}
