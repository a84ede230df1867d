package cli

// Semiannual submissions (SPEC §4): a unit's or a street's table frozen as
// submitted, and the district's dashboard of what is on time, late or
// missing. Not in §6's list: the commands behind the dashboard.

import (
	"errors"
	"fmt"

	"github.com/pingyi/pingyi/internal/doublereport"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
)

func init() {
	register(command{name: "service submit", args: "--half YYYYH1|YYYYH2 (--unit ORG | --street ORG) [--on D]",
		short: "submit a unit's (Appendix 1) or a street's (Appendix 2) table: a frozen snapshot", run: runServiceSubmit})
	register(command{name: "service dashboard", args: "--scope ORG --half YYYYH1|YYYYH2 [--today D]",
		short: "the tables due in a half: on time, late, missing or pending", run: runServiceDashboard})
}

func runServiceSubmit(e *env, args []string) int {
	const cmd = "service submit"
	fs := newFlags(e, cmd, "--half YYYYH1|YYYYH2 (--unit ORG | --street ORG) [--on D]")
	half := fs.String("half", "", "the half-year (required)")
	unit := fs.String("unit", "", "the unit whose Appendix 1 is submitted")
	street := fs.String("street", "", "the street whose Appendix 2 is submitted")
	on := fs.String("on", store.Today(), "the day of the submission (default today)")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if len(pos) > 0 || (*unit == "") == (*street == "") {
		return usage(e, fs, cmd, "give --unit or --street")
	}
	if _, _, err := rules.ParseHalf(*half); err != nil {
		return usage(e, fs, cmd, "%v", err)
	}
	if _, ok := rules.ParseDate(*on); !ok {
		return usage(e, fs, cmd, "--on %q is not a date YYYY-MM-DD", *on)
	}
	kind, code := doublereport.SubmitUnit, *unit
	if *street != "" {
		kind, code = doublereport.SubmitStreet, *street
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	sub, err := doublereport.New(s).Submit(e.ctx, kind, code, *half, *on, store.CLI)
	switch {
	case errors.Is(err, pingyi.ErrNotFound):
		return scopeRefused(e, cmd, code, err)
	case errors.Is(err, pingyi.ErrConflict) || errors.Is(err, pingyi.ErrInvalid):
		fmt.Fprintf(e.stderr, "pingyi %s: %v\n", cmd, err)
		return ExitRefused
	case err != nil:
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "submitted the %s table of %s for %s on %s\n", kind, code, *half, sub.SubmittedOn)
	return ExitOK
}

func runServiceDashboard(e *env, args []string) int {
	const cmd = "service dashboard"
	fs := newFlags(e, cmd, "--scope ORG --half YYYYH1|YYYYH2 [--today D]")
	scope := fs.String("scope", "", "the district (required)")
	half := fs.String("half", "", "the half-year (required)")
	today := fs.String("today", store.Today(), "the day the statuses are judged on (default today)")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if *scope == "" || len(pos) > 0 {
		return usage(e, fs, cmd, "want --scope ORG and no other argument")
	}
	if _, _, err := rules.ParseHalf(*half); err != nil {
		return usage(e, fs, cmd, "%v", err)
	}
	if _, ok := rules.ParseDate(*today); !ok {
		return usage(e, fs, cmd, "--today %q is not a date YYYY-MM-DD", *today)
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	rows, err := doublereport.New(s).Dashboard(e.ctx, *scope, *half, *today, rules.Weekdays)
	if err != nil {
		return scopeRefused(e, cmd, *scope, err)
	}
	t := serviceTable{header: doublereport.DashboardHeader}
	for _, r := range rows {
		t.rows = append(t.rows, r.Cells())
	}
	return e.writeTable(t, "csv", "")
}

func init() {
	register(command{name: "service linkage", args: "--street ORG [--offer] [--as-of D]",
		short: "a street's linkage ledger (Annex 3); --offer adds projects unclaimed 30 days", run: runServiceLinkage})
}

func runServiceLinkage(e *env, args []string) int {
	const cmd = "service linkage"
	fs := newFlags(e, cmd, "--street ORG [--offer] [--as-of D]")
	street := fs.String("street", "", "the street (an org of level street; required)")
	offer := fs.Bool("offer", false, "first add the projects still open 30 days after they were published")
	asOf := fs.String("as-of", store.Today(), "the day the 30 days are counted to (default today)")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if *street == "" || len(pos) > 0 {
		return usage(e, fs, cmd, "want --street ORG and no other argument")
	}
	if _, ok := rules.ParseDate(*asOf); !ok {
		return usage(e, fs, cmd, "--as-of %q is not a date YYYY-MM-DD", *asOf)
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	d := doublereport.New(s)
	if *offer {
		if _, err := d.OfferUnclaimed(e.ctx, *street, *asOf, store.CLI); err != nil {
			if errors.Is(err, pingyi.ErrInvalid) {
				fmt.Fprintf(e.stderr, "pingyi %s: %v\n", cmd, err)
				return ExitRefused
			}
			return scopeRefused(e, cmd, *street, err)
		}
	}
	items, err := d.Linkage(e.ctx, *street)
	if errors.Is(err, pingyi.ErrInvalid) {
		fmt.Fprintf(e.stderr, "pingyi %s: %v\n", cmd, err)
		return ExitRefused
	}
	if err != nil {
		return scopeRefused(e, cmd, *street, err)
	}
	t := serviceTable{header: doublereport.LinkageHeader}
	for _, it := range items {
		t.rows = append(t.rows, it.Cells())
	}
	return e.writeTable(t, "csv", "")
}
