package stars_test

import (
	"context"
	"errors"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// massCells gives every star of a cap-10 member the value v.
func massCells(v string) map[pingyi.Star]string {
	out := map[pingyi.Star]string{}
	for _, st := range pingyi.Stars {
		out[st] = v
	}
	return out
}

func TestStarMassCodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		starSeed(t, s)
		var ie *pingyi.InputError
		if _, err := stars.New(s).IssueMassCodes(ctx, starYear, "G1", 3, store.CLI); !errors.As(err, &ie) {
			t.Fatalf("org without members: %v", err)
		}
		if _, err := stars.New(s).IssueMassCodes(ctx, starYear, "B1", 0, store.CLI); !errors.As(err, &ie) {
			t.Fatalf("count 0: %v", err)
		}
		if _, err := stars.New(s).IssueMassCodes(ctx, starYear, "B1", 1001, store.CLI); !errors.As(err, &ie) {
			t.Fatalf("count 1001: %v", err)
		}
		codes, err := stars.New(s).IssueMassCodes(ctx, starYear, "B1", 3, store.CLI)
		if err != nil || len(codes) != 3 {
			t.Fatalf("issue: %v %v", codes, err)
		}
		if _, err := stars.New(s).MassForm(ctx, "NOPE234567"); !errors.Is(err, pingyi.ErrNotFound) {
			t.Fatalf("unknown code: %v", err)
		}
		f, err := stars.New(s).MassForm(ctx, codes[0])
		if err != nil {
			t.Fatal(err)
		}
		if f.Year != starYear || f.OrgCode != "B1" || len(f.Members) != 10 || len(f.Members[0].Stars) != 5 {
			t.Fatalf("form: %+v", f)
		}

		// A member of another branch: refused, nothing stored, code unspent.
		err = stars.New(s).SubmitMass(ctx, codes[1], map[string]map[pingyi.Star]string{"A01": massCells("2"), "E01": {pingyi.Stars[0]: "1"}}, stars.PublicActor)
		if !errors.As(err, &ie) {
			t.Fatalf("other branch: %v", err)
		}
		if list, _ := stars.New(s).Assessments(ctx, starYear, "A01"); len(list) != 0 {
			t.Fatalf("stored after a refusal: %+v", list)
		}
		// Nobody rated.
		if err := stars.New(s).SubmitMass(ctx, codes[1], map[string]map[pingyi.Star]string{"A02": {}}, stars.PublicActor); !errors.As(err, &ie) {
			t.Fatalf("none rated: %v", err)
		}

		if err := stars.New(s).SubmitMass(ctx, codes[0], map[string]map[pingyi.Star]string{"A01": massCells("2")}, stars.PublicActor); err != nil {
			t.Fatal(err)
		}
		sg, err := stars.New(s).SuggestionFor(ctx, starYear, "A01")
		if err != nil {
			t.Fatal(err)
		}
		if sg.MassCount != 1 || sg.Mass[pingyi.Stars[0]] == nil || sg.Mass[pingyi.Stars[0]].RatString() != "2" {
			t.Fatalf("suggestion: %+v", sg)
		}
		if err := stars.New(s).SubmitMass(ctx, codes[0], map[string]map[pingyi.Star]string{"A02": massCells("1")}, stars.PublicActor); !errors.Is(err, store.ErrCodeUsed) {
			t.Fatalf("used again: %v", err)
		}
		if _, err := stars.New(s).MassForm(ctx, codes[0]); !errors.Is(err, store.ErrCodeUsed) {
			t.Fatalf("form of a used code: %v", err)
		}
		if c, err := stars.New(s).MassCodeCounts(ctx, starYear, "B1"); err != nil || c.Issued != 3 || c.Used != 1 {
			t.Fatalf("counts: %+v %v", c, err)
		}

		// A cap-6 member rated on joint_service: refused, nothing stored.
		b2, err := stars.New(s).IssueMassCodes(ctx, starYear, "B2", 1, store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		cells := map[pingyi.Star]string{pingyi.Stars[0]: "2", pingyi.Stars[1]: "2", pingyi.Stars[2]: "2", pingyi.StarJointService: "2"}
		err = stars.New(s).SubmitMass(ctx, b2[0], map[string]map[pingyi.Star]string{"E01": cells, "E02": {pingyi.Stars[0]: "1", pingyi.Stars[1]: "1", pingyi.Stars[2]: "1"}}, stars.PublicActor)
		if !errors.As(err, &ie) {
			t.Fatalf("cap 6 joint_service: %v", err)
		}
		for _, m := range []string{"E01", "E02"} {
			if list, _ := stars.New(s).Assessments(ctx, starYear, m); len(list) != 0 {
				t.Fatalf("%s stored after a refusal: %+v", m, list)
			}
		}
		if _, err := stars.New(s).MassForm(ctx, b2[0]); err != nil {
			t.Fatalf("code spent by a refusal: %v", err)
		}
	})
}
