package i18n

import (
	"fmt"
	"strconv"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// Refused input (pingyi.InputError) is made in English by the store, the
// file reader and the rules: Add(line, column, format, args...). The CLI
// prints that English; pages translate it here. Each format string is
// listed below with the message "inputerr.ID" of locales/inputerr.*.toml,
// whose template fields A0, A1, … are the arguments in order:
//
//	"parent %q exists neither in the file nor in the database" → parent_missing
//	zh-CN: 上级组织“{{.A0}}”在文件和数据库中均不存在。
//
// An argument printed with %q is given without its quotes (the message
// quotes it in its own language's way) but with Go's escapes; any other
// verb is applied as in the English. A format not listed, or the pass
// through "%s" of a message made elsewhere, shows the English message.
// TestInputErrorFormats finds every format in the sources and fails for
// one that is not listed (or lacks a translation).

// inputErr is the message of one format.
type inputErr struct {
	id string
	// labels translate arguments that are codes of a vocabulary: argument
	// index → message group (the argument "org" of group "inputerr_target"
	// is shown as the message "inputerr_target.org" when there is one).
	labels map[int]string
}

// inputErrs maps each format given to InputError.Add (or rules.CellError)
// to its message.
var inputErrs = map[string]inputErr{
	// Files (internal/tabular).
	"the file is UTF-16 text; save it as CSV UTF-8 (or .xlsx)":        {id: "file_utf16"},
	"the file is empty: no header line":                               {id: "file_empty"},
	"malformed CSV at character %d: %v":                               {id: "csv_malformed"},
	"not a readable .xlsx file (%v)":                                  {id: "xlsx_unreadable"},
	"not a readable .xlsx file: %v":                                   {id: "xlsx_unreadable"},
	"malformed .xlsx file (%v)":                                       {id: "xlsx_malformed"},
	"the workbook has no sheet":                                       {id: "xlsx_no_sheet"},
	"cannot read sheet %q: %v":                                        {id: "xlsx_sheet"},
	"cannot read row: %v":                                             {id: "xlsx_row"},
	"column %d has no name":                                           {id: "column_no_name"},
	"duplicate column":                                                {id: "column_duplicate"},
	"unknown column (expected %s)":                                    {id: "column_unknown"},
	"missing column":                                                  {id: "column_missing"},
	"column name is not valid UTF-8 text; save the file as CSV UTF-8": {id: "column_name_utf8"},
	"too many columns: %d cells but the header has %d columns":        {id: "too_many_cells"},
	"not valid UTF-8 text; save the file as CSV UTF-8":                {id: "cell_utf8"},

	// Any cell or field.
	"empty code":                           {id: "empty_code"},
	"empty name":                           {id: "empty_name"},
	"duplicate code %q (first on line %d)": {id: "duplicate_code"},
	"not true or false: %q":                {id: "not_bool"},
	"not a year: %q":                       {id: "not_year"},
	"not a plausible year: %d":             {id: "implausible_year"},
	"org %q does not exist":                {id: "org_missing"},
	"member %q does not exist":             {id: "member_missing"},
	"control character %U in the text":     {id: "control_char"},
	"required":                             {id: "required"},
	"not a date (YYYY-MM-DD): %q":          {id: "not_date"},
	"not a date (2006-01-02): %q":          {id: "not_date"},
	"too long: %d characters, at most %d":  {id: "too_long"},
	"not valid UTF-8 text":                 {id: "not_utf8"},
	"cannot be negative":                   {id: "negative"},
	"unknown status %q":                    {id: "unknown_status"},
	"closes before it opens":               {id: "closes_before_opens"},

	// Orgs (store.ImportOrgs).
	"unknown type %q (committee, general_branch, branch)":                                 {id: "org_type"},
	"unknown domain %q (rural, enterprise, agency, community, new_economic, new_social)":  {id: "org_domain"},
	"an org cannot be its own parent":                                                     {id: "own_parent"},
	"parent %q exists neither in the file nor in the database":                            {id: "parent_missing"},
	"org %q is part of a cycle through parent %q":                                         {id: "org_cycle"},
	"org %q hangs below a cycle through parent %q":                                        {id: "org_below_cycle"},
	"org %q would be on level %d of the tree; at most %d levels are allowed":              {id: "org_too_deep"},
	"org %q here would put org %q on level %d of the tree; at most %d levels are allowed": {id: "org_too_deep_below"},

	// Members (store.ImportMembers).
	"empty org code": {id: "empty_org_code"},
	"unknown category %q (cadre, farming, elderly, migrant, in_service)": {id: "member_category"},
	"not a valid phone number: %q":                                       {id: "phone"},
	"not a valid ID number (GB 11643 check digit or birth date): %q":     {id: "id_number"},
	"unknown gender %q (male, female, 男, 女)":                             {id: "gender"},
	"org %q would have two secretaries: %s and %s (line %d)":             {id: "two_secretaries_line"},
	"org %q would have two secretaries: %s and %s (already stored)":      {id: "two_secretaries_stored"},

	// Paper ballots (store.ImportBallots) and campaigns.
	"empty ballot number":           {id: "ballot_no_empty"},
	"unknown evaluator category %q": {id: "evaluator_category"},
	"ballot %q has category %q on line %d: one ballot, one evaluator": {id: "ballot_two_categories", labels: map[int]string{1: "evaluator"}},
	"unknown rating %q":                                                              {id: "rating"},
	"%q is not on the campaign's %d-level scale":                                     {id: "rating_off_scale"},
	"unknown target type %q (org, secretary, member)":                                {id: "target_type"},
	"%s %q is not a target of campaign %s":                                           {id: "not_a_target", labels: map[int]string{0: "inputerr_target"}},
	"ballot %q rates %s %q twice (first on line %d)":                                 {id: "ballot_twice", labels: map[int]string{1: "inputerr_target"}},
	"ballot %q spans two units: %s %q is in another unit than the target on line %d": {id: "ballot_two_units", labels: map[int]string{1: "inputerr_target"}},
	"ballot %q was already imported into campaign %s":                                {id: "ballot_imported"},
	"a ballot number was imported into campaign %s at the same time":                 {id: "ballot_imported_now"},
	"unknown kind %q (mass, regular, year_end, commitment, typical, instant)":        {id: "campaign_kind"},
	"scale must be 3 or 4":                                                           {id: "campaign_scale"},
	"campaign %q already exists":                                                     {id: "campaign_exists"},
	"campaign %s is not in test mode: formal ballots are never wiped":                {id: "campaign_not_test"},
	"empty title":                        {id: "empty_title"},
	"count must be between 1 and 100000": {id: "code_count"},
	"%q is not an evaluation unit of campaign %s (an org with targets in it)": {id: "not_a_unit"},
	// The seal (store/seal.go).
	"campaign %s has closed with ballots: its window never changes again":                            {id: "seal_reopen"},
	"campaign %s has ballots: its start cannot move after now":                                       {id: "seal_opens_later"},
	"the anonymity threshold must be between %d and %d":                                              {id: "seal_threshold"},
	"campaign %s has ballots: its anonymity threshold cannot go below %d":                            {id: "seal_threshold_lowered"},
	"campaign %s is not open: paper ballots are entered only while it is open":                       {id: "seal_paper_closed"},
	"codes of unit %s are issued by an org above it, never by the unit itself or one of its targets": {id: "seal_issuer"},
	"campaign %s has closed: no more codes":                                                          {id: "seal_codes_closed"},
	"%s is not a window unit":                                                                        {id: "not_window_unit"},
	"%s is not an org target of campaign %s":                                                         {id: "not_org_target"},
	"empty objection":                                                                                {id: "objection_empty"},
	"longer than 2000 characters":                                                                    {id: "longer_2000"},
	"longer than 100 characters":                                                                     {id: "longer_100"},
	"not a target of this campaign":                                                                  {id: "not_campaign_target"},
	"empty answer":                                                                                   {id: "answer_empty"},
	"empty problem":                                                                                  {id: "problem_empty"},
	"a file must be 1 byte to 10 MiB":                                                                {id: "file_size"},

	// Stars (store, rules.ParseStarRow).
	"unknown member category %q":                                     {id: "star_category"},
	"must be empty for category %s (cap %d)":                         {id: "star_must_be_empty", labels: map[int]string{0: "category"}},
	"required for category %s (cap %d)":                              {id: "star_required", labels: map[int]string{0: "category"}},
	"%q is not 0, 1 or 2":                                            {id: "star_value"},
	"empty member code":                                              {id: "member_code_empty"},
	"member %q is already on line %d":                                {id: "member_repeated"},
	"must be 0 to 100, not %d":                                       {id: "quota_range"},
	"must be 1 to %d, not %d":                                        {id: "excellent_range"},
	"must be 0 to one below the excellent threshold (%d), not %d":    {id: "poor_range"},
	"not a number of at least 0: %q":                                 {id: "weight_number"},
	"the three weights cannot all be 0":                              {id: "weights_zero"},
	"must be 0 to %d (the cap of %s), not %d":                        {id: "stars_aimed", labels: map[int]string{1: "category"}},
	"required: each member claims at least one post":                 {id: "post_required"},
	"required: each member keeps in touch with 1–2 households (1+2)": {id: "household_required"},
	"give household1 first":                                          {id: "household1_first"},
	"unknown kind %q (%s)":                                           {id: "log_kind"},
	"too large: %d bytes, at most %d":                                {id: "photo_size"},
	"not a JPEG, PNG, GIF or WebP image (%s)":                        {id: "photo_type"},
	"a self assessment is by the member %s, not %q":                  {id: "self_rater"},
	"required for a peer assessment":                                 {id: "peer_rater_required"},
	"a member does not assess themselves as a peer (use self)":       {id: "peer_self"},
	"member %s is not in the branch of %s (%s)":                      {id: "peer_other_branch"},
	"a mass assessment is anonymous: no rater":                       {id: "mass_rater"},
	"unknown kind %q (self, peer, mass)":                             {id: "assess_kind"},
	"required: %s has no helper paired in %d":                        {id: "helper_required"},
	"a member does not help themselves":                              {id: "helper_self"},
	"unknown status %q (pending, approved, rejected)":                {id: "suggestion_status"},
	"count must be between 1 and %d":                                 {id: "star_mass_count"},
	"org %q has no members to rate":                                  {id: "star_mass_no_members"},
	"member %q is not in %s":                                         {id: "star_mass_other_org"},
	"rate at least one member":                                       {id: "star_mass_none"},

	// The working-day calendar (store.ImportCalendar, rules.ParseCalendarRow).
	"unknown kind %q (holiday, workday)":         {id: "calendar_kind"},
	"date %s is listed twice (first on line %d)": {id: "calendar_date_twice"},

	// Opinions (voice.Import, rules.OpinionRules).
	"dated before the opinion's last event (%s)":    {id: "opinion_before_last"},
	"%s is out of order: the opinion is %s":         {id: "opinion_order"},
	"a second extend: an opinion is extended once":  {id: "opinion_extend_twice"},
	"too late to extend: the reply deadline was %s": {id: "opinion_extend_late"},
	"rate needs a reply before it":                  {id: "opinion_rate_unreplied"},
	"an opinion is closed only once seen or rated, or after three failed call-backs since the last reply (it is %s)": {id: "opinion_close_unseen"},
	"unknown event %q (receive, route, accept, extend, reply, seen, callback_failed, rate, close)":                   {id: "opinion_event"},
	"event %q was already imported":                                                                {id: "opinion_event_imported"},
	"no opinion %q: its receive comes first":                                                       {id: "opinion_unknown_ref"},
	"an event number of this file was imported at the same time":                                   {id: "opinion_event_concurrent"},
	"not a time (YYYY-MM-DD HH:MM): %q":                                                            {id: "not_time"},
	"must be empty for a %s event":                                                                 {id: "opinion_cell_unused"},
	"unknown channel %q (visit, seminar, reception, email, box, web, hotline)":                     {id: "opinion_channel"},
	"unknown category %q (consultation, help, suggestion, complaint, praise)":                      {id: "opinion_category"},
	"unknown urgency %q (normal, urgent)":                                                          {id: "opinion_urgency"},
	"unknown outcome %q (resolved, partly, unresolved)":                                            {id: "opinion_outcome"},
	"%q is not on the 3-level scale (satisfied, basically_satisfied, dissatisfied; 满意, 基本满意, 不满意)": {id: "opinion_rating"},
	"duplicate event number %q (first on line %d)":                                                 {id: "opinion_event_twice"},
	"not a valid email address: %q":                                                                {id: "email"},
	// Double report (internal/doublereport).
	"event %q is already in the ledger":                                        {id: "dr_event_stored"},
	"need %q does not exist":                                                   {id: "dr_need_missing"},
	"unknown event %q (claim, cancel, complete, confirm)":                      {id: "dr_event"},
	"give exactly one of member_code and org_code":                             {id: "dr_one_claimer"},
	"only a confirm has a rating":                                              {id: "dr_rating_only_confirm"},
	"a confirm names no claimer (it rates the need's completion)":              {id: "dr_confirm_no_claimer"},
	"only a complete has hours":                                                {id: "dr_hours_only_complete"},
	"%q is not a rating of the 3-level scale (满意, 基本满意, 不满意)":                  {id: "dr_rating3"},
	"not hours ≥ 0 with at most two decimals: %q":                              {id: "dr_hours"},
	"dated before need %q was published on %s":                                 {id: "dr_before_published"},
	"dated before the last event of need %q on %s":                             {id: "dr_before_last"},
	"out of the order of §4: need %q is %s":                                    {id: "dr_out_of_order"},
	"the claimer is not registered with the community of need %q on that day":  {id: "dr_not_registered"},
	"not the claimer of need %q":                                               {id: "dr_not_claimer"},
	"a member's hours must be more than 0":                                     {id: "dr_member_hours"},
	"member %q is not a leader (service import leaders)":                       {id: "dr_not_leader"},
	"unknown kind %q (planning, investigation, opinion, lecture)":              {id: "dr_lead_kind"},
	"unknown level %q (district, street, community or empty)":                  {id: "dr_level"},
	"org %q is not of level community":                                         {id: "dr_not_community"},
	"need %q has events: only its title and beneficiary may change (%s is %q)": {id: "dr_need_has_events"},
	"unknown kind %q (project, wish)":                                          {id: "dr_need_kind"},
	"a wish is material or spiritual, not %q":                                  {id: "dr_wish_type"},
	"must be empty for a project":                                              {id: "dr_project_wish_type"},
	"not a whole number ≥ 0: %q":                                               {id: "dr_whole_number"},
	"unknown kind %q (member, org)":                                            {id: "dr_recommend_kind"},
	"%s %q has no registration at a community of street %s in %d":              {id: "dr_not_eligible"},
	"member %q is of category %s, not in_service":                              {id: "dr_not_in_service"},
	"must be after registered_on %s":                                           {id: "dr_left_after"},
	"%s %q registered on %s is already on line %d":                             {id: "dr_registration_repeated"},
	"overlaps the registration %s to %s":                                       {id: "dr_overlap"},
}

// InputErrorID is the message ID of a refused-input format ("inputerr.…"),
// false for a format that is not listed.
func InputErrorID(format string) (string, bool) {
	e, ok := inputErrs[format]
	if !ok {
		return "", false
	}
	return "inputerr." + e.id, true
}

// InputErrorFormats lists the formats of the catalog (for tests).
func InputErrorFormats() []string {
	out := make([]string, 0, len(inputErrs))
	for f := range inputErrs {
		out = append(out, f)
	}
	return out
}

// InputError translates the message of one refused cell made by
// fmt.Sprintf(format, args...); english is that message, shown when the
// format has no translation.
func (t *Translator) InputError(format string, args []any, english string) string {
	e, ok := inputErrs[format]
	if !ok {
		return english
	}
	id := "inputerr." + e.id
	if !Has(t.lang, id) {
		return english
	}
	vals := formatArgs(format, args)
	data := make(map[string]any, len(vals))
	for i, v := range vals {
		if g, ok := e.labels[i]; ok && i < len(args) {
			if key := g + "." + fmt.Sprint(args[i]); Has(t.lang, key) {
				v = t.T(key)
			}
		}
		data["A"+strconv.Itoa(i)] = v
	}
	s, err := t.loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil || strings.Contains(s, "<no value>") {
		return english
	}
	return s
}

// Column names a column of an input file or a form field in the
// language ("parent_code" → 上级组织代码; "#3", a column without a name,
// → 第 3 列); "" when it has no name of its own.
func (t *Translator) Column(column string) string {
	if n, ok := strings.CutPrefix(column, "#"); ok {
		if _, err := strconv.Atoi(n); err == nil {
			return t.T("inputerr_ui.column_n", "N", n)
		}
		return ""
	}
	if column == "" {
		return ""
	}
	if key := "inputerr_col." + column; Has(t.lang, key) {
		return t.T(key)
	}
	return ""
}

// formatArgs formats each argument as its verb in format does, a %q
// without its quotes.
func formatArgs(format string, args []any) []string {
	out := make([]string, 0, len(args))
	n := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("+-# 0123456789.", format[j]) >= 0 {
			j++
		}
		if j >= len(format) {
			break
		}
		verb := format[j]
		spec := format[i : j+1]
		i = j
		if verb == '%' {
			continue
		}
		if n >= len(args) {
			break
		}
		a := args[n]
		n++
		s := fmt.Sprintf(spec, a)
		if verb == 'q' && len(s) >= 2 && (s[0] == '"' || s[0] == '`' || s[0] == '\'') && s[len(s)-1] == s[0] {
			s = s[1 : len(s)-1]
		}
		out = append(out, s)
	}
	for ; n < len(args); n++ { // more arguments than verbs: as fmt would show them
		out = append(out, fmt.Sprint(args[n]))
	}
	return out
}
