package appraisal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/store"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
)

// SelfCheck is an org's self-check (自查) for a campaign.
type SelfCheck struct {
	OrgID                                            int64
	OrgCode, OrgName                                 string
	MassOpinions, Achievements, Shortfalls, Measures string
	UpdatedAt                                        string
}

// SaveSelfCheck creates or replaces an org's self-check.
func (s *Store) SaveSelfCheck(ctx context.Context, c *pingyi.Campaign, sc SelfCheck, a store.Actor) error {
	return s.Tx(ctx, func(q store.Q) error {
		_, err := q.Exec(ctx, `INSERT INTO self_checks (id, campaign_id, org_id, mass_opinions, achievements, shortfalls, measures, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id, org_id) DO UPDATE SET mass_opinions = excluded.mass_opinions,
			achievements = excluded.achievements, shortfalls = excluded.shortfalls, measures = excluded.measures, updated_at = excluded.updated_at`,
			store.NewID(), c.ID, sc.OrgID, sc.MassOpinions, sc.Achievements, sc.Shortfalls, sc.Measures, store.Now())
		if err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "save", "self_check", c.Code+"/"+sc.OrgCode, nil, sc)
	})
}

// SelfCheckOf returns an org's self-check (zero value when none).
func (s *Store) SelfCheckOf(ctx context.Context, c *pingyi.Campaign, orgID int64) (SelfCheck, error) {
	sc := SelfCheck{OrgID: orgID}
	err := s.R().QueryRow(ctx, `SELECT mass_opinions, achievements, shortfalls, measures, updated_at FROM self_checks WHERE campaign_id = ? AND org_id = ?`,
		c.ID, orgID).Scan(&sc.MassOpinions, &sc.Achievements, &sc.Shortfalls, &sc.Measures, &sc.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return sc, nil
	}
	return sc, err
}

// SaveMemberSummary stores a member's summary (小结).
func (s *Store) SaveMemberSummary(ctx context.Context, c *pingyi.Campaign, memberID int64, text string, a store.Actor) error {
	return s.Tx(ctx, func(q store.Q) error {
		_, err := q.Exec(ctx, `INSERT INTO member_summaries (id, campaign_id, member_id, text, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (campaign_id, member_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
			store.NewID(), c.ID, memberID, text, store.Now())
		if err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "save", "member_summary", c.Code, nil, map[string]any{"member_id": memberID, "text": text})
	})
}

// MemberSummaries maps member id to summary text for the members of one org.
func (s *Store) MemberSummaries(ctx context.Context, c *pingyi.Campaign, orgID int64) (map[int64]string, error) {
	rows, err := s.R().Query(ctx, `SELECT ms.member_id, ms.text FROM member_summaries ms JOIN members m ON m.id = ms.member_id
		WHERE ms.campaign_id = ? AND m.org_id = ?`, c.ID, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var t string
		if err := rows.Scan(&id, &t); err != nil {
			return nil, err
		}
		out[id] = t
	}
	return out, rows.Err()
}

// Meeting is a unit's centralized appraisal meeting (集中评议).
type Meeting struct {
	OrgID         int64
	OrgCode       string
	HeldOn        string
	Method        string // meeting, questionnaire, seminar, interview, online, instant
	Attendees     map[pingyi.EvaluatorCategory]int
	Report        string // the secretary's report and 述职
	SuperiorRep   string // who the superior org sent
	LeaderComment string // 领导点评
	UpdatedAt     string
}

// Methods of appraisal (seed 002, seed 000).
var Methods = []string{"meeting", "questionnaire", "seminar", "interview", "online", "instant"}

// SaveMeeting creates or replaces a unit's meeting record.
func (s *Store) SaveMeeting(ctx context.Context, c *pingyi.Campaign, m Meeting, a store.Actor) error {
	att, _ := json.Marshal(m.Attendees)
	if m.Method == "" {
		m.Method = "meeting"
	}
	return s.Tx(ctx, func(q store.Q) error {
		_, err := q.Exec(ctx, `INSERT INTO meetings (id, campaign_id, org_id, held_on, method, attendees_json, report, superior_rep, leader_comment, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id, org_id) DO UPDATE SET held_on = excluded.held_on, method = excluded.method,
			attendees_json = excluded.attendees_json, report = excluded.report, superior_rep = excluded.superior_rep,
			leader_comment = excluded.leader_comment, updated_at = excluded.updated_at`,
			store.NewID(), c.ID, m.OrgID, m.HeldOn, m.Method, string(att), m.Report, m.SuperiorRep, m.LeaderComment, store.Now())
		if err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "save", "meeting", c.Code+"/"+m.OrgCode, nil, m)
	})
}

// MeetingOf returns a unit's meeting (zero value when none).
func (s *Store) MeetingOf(ctx context.Context, c *pingyi.Campaign, orgID int64) (Meeting, error) {
	m := Meeting{OrgID: orgID, Attendees: map[pingyi.EvaluatorCategory]int{}}
	var att string
	err := s.R().QueryRow(ctx, `SELECT held_on, method, attendees_json, report, superior_rep, leader_comment, updated_at FROM meetings
		WHERE campaign_id = ? AND org_id = ?`, c.ID, orgID).Scan(&m.HeldOn, &m.Method, &att, &m.Report, &m.SuperiorRep, &m.LeaderComment, &m.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return m, nil
	}
	if err == nil {
		json.Unmarshal([]byte(att), &m.Attendees)
	}
	return m, err
}

// UnitStatus is where one unit stands in a campaign.
type UnitStatus struct {
	Unit
	SelfCheck   bool
	Meeting     bool
	CodesIssued int
	CodesUsed   int
	Ballots     int64
	NoBallots   int // targets without a valid rating (0 while Sealed)
	OpenItems   int // rectification items not verified
	// Sealed: the campaign is not closed, so which targets were rated is
	// withheld (a unit's one ballot rating its secretary and not its org
	// would show); only the ballots received per unit are counted.
	Sealed bool
}

// UnitStatuses lists every unit of a campaign in scope with its progress.
func (s *Store) UnitStatuses(ctx context.Context, c *pingyi.Campaign, scope pingyi.Scope) ([]UnitStatus, error) {
	if err := s.FoldBallots(ctx, c.ID); err != nil {
		return nil, err
	}
	units, err := s.Units(ctx, c.ID, scope)
	if err != nil {
		return nil, err
	}
	out := make([]UnitStatus, len(units))
	idx := map[int64]int{}
	sealed := State(c, time.Now()) != StateClosed
	for i, u := range units {
		out[i].Unit = u
		out[i].Sealed = sealed
		idx[u.ID] = i
	}
	scan := func(query string, fn func(i int, n int64)) error {
		rows, err := s.R().Query(ctx, query, c.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, n int64
			if err := rows.Scan(&id, &n); err != nil {
				return err
			}
			if i, ok := idx[id]; ok {
				fn(i, n)
			}
		}
		return rows.Err()
	}
	steps := []struct {
		q  string
		fn func(i int, n int64)
	}{
		{`SELECT org_id, 1 FROM self_checks WHERE campaign_id = ?`, func(i int, n int64) { out[i].SelfCheck = true }},
		{`SELECT org_id, 1 FROM meetings WHERE campaign_id = ?`, func(i int, n int64) { out[i].Meeting = true }},
		{`SELECT unit_org_id, COUNT(*) FROM codes WHERE campaign_id = ? GROUP BY unit_org_id`, func(i int, n int64) { out[i].CodesIssued = int(n) }},
		{`SELECT unit_org_id, SUM(used) FROM codes WHERE campaign_id = ? GROUP BY unit_org_id`, func(i int, n int64) { out[i].CodesUsed = int(n) }},
		{`SELECT unit_org_id, SUM(ballots) FROM unit_tallies WHERE campaign_id = ? GROUP BY unit_org_id`, func(i int, n int64) { out[i].Ballots = n }},
		{`SELECT unit_org_id, COUNT(*) FROM targets WHERE campaign_id = ? AND satisfied + fairly_satisfied + basically_satisfied + dissatisfied = 0 GROUP BY unit_org_id`,
			func(i int, n int64) { out[i].NoBallots = int(n) }},
		{`SELECT org_id, COUNT(*) FROM rectifications WHERE campaign_id = ? AND status <> 'verified' GROUP BY org_id`, func(i int, n int64) { out[i].OpenItems = int(n) }},
	}
	for _, st := range steps {
		if sealed && strings.Contains(st.q, "FROM targets") {
			continue
		}
		if err := scan(st.q, st.fn); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Coverage counts a campaign's targets and those with no ballots yet
// (seed 002: every organization and member is appraised).
type Coverage struct {
	Targets, Rated int
	ByType         map[pingyi.TargetType][2]int // total, rated
	Unrated        []pingyi.Target              // at most the first 500
	// Sealed: the campaign is not closed; Rated, the rated counts of
	// ByType and Unrated are withheld (only Targets and the totals of
	// ByType are counted): while ballots come in, which targets a unit's
	// few ballots rated or skipped is nobody's to see.
	Sealed bool
}

// CampaignCoverage reports coverage in scope: after the close, which
// targets have been rated; before, only how many targets there are.
func (s *Store) CampaignCoverage(ctx context.Context, c *pingyi.Campaign, scope pingyi.Scope) (*Coverage, error) {
	if err := s.FoldBallots(ctx, c.ID); err != nil {
		return nil, err
	}
	q := `SELECT t.id, t.type, t.code, t.name, t.unit_org_id, o.code, t.satisfied + t.fairly_satisfied + t.basically_satisfied + t.dissatisfied
		FROM targets t JOIN orgs o ON o.id = t.unit_org_id WHERE t.campaign_id = ?`
	args := []any{c.ID}
	if !scope.All() {
		pred, pargs := s.PathPrefix("o.path", scope.Path)
		q += ` AND ` + pred
		args = append(args, pargs...)
	}
	q += ` ORDER BY o.code, t.type, t.code`
	rows, err := s.R().Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cov := &Coverage{ByType: map[pingyi.TargetType][2]int{}, Sealed: State(c, time.Now()) != StateClosed}
	for rows.Next() {
		var t pingyi.Target
		var valid int64
		if err := rows.Scan(&t.ID, &t.Type, &t.Code, &t.Name, &t.UnitID, &t.UnitCode, &valid); err != nil {
			return nil, err
		}
		if cov.Sealed {
			cov.Targets++
			bt := cov.ByType[t.Type]
			bt[0]++
			cov.ByType[t.Type] = bt
			continue
		}
		cov.Targets++
		bt := cov.ByType[t.Type]
		bt[0]++
		if valid > 0 {
			cov.Rated++
			bt[1]++
		} else if len(cov.Unrated) < 500 {
			cov.Unrated = append(cov.Unrated, t)
		}
		cov.ByType[t.Type] = bt
	}
	return cov, rows.Err()
}

// SetPhase moves a campaign to phase 1..5 (方案, 自查, 集中评议, 通报整改, 结果运用).
func (s *Store) SetPhase(ctx context.Context, c *pingyi.Campaign, phase int, a store.Actor) error {
	if phase < 1 || phase > 5 {
		return pingyi.ErrInvalid
	}
	return s.Tx(ctx, func(q store.Q) error {
		if _, err := q.Exec(ctx, `UPDATE campaigns SET phase = ? WHERE id = ?`, phase, c.ID); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "phase", "campaign", c.Code, map[string]int{"phase": c.Phase}, map[string]int{"phase": phase})
	})
}

// UpdateCampaign changes a campaign's editable settings: name, window,
// program text, participants, how results are used, anonymity threshold,
// publicity days and start. It refuses (*pingyi.InputError) what breaks
// the seal (seal.go): a new window of a campaign closed with ballots, a
// start moved after now once ballots exist, a threshold below
// rules.MinAnonymity or lowered once ballots exist.
func (s *Store) UpdateCampaign(ctx context.Context, c *pingyi.Campaign, participants, resultsUse string, a store.Actor) error {
	if c.Opens != "" && c.Closes != "" && c.Opens >= c.Closes {
		bad := &pingyi.InputError{}
		bad.Add(0, "closes", "closes before it opens")
		return bad
	}
	err := s.Tx(ctx, func(q store.Q) error {
		if q.Dialect() == store.Postgres {
			// Two edits at once: the second checks the seal against what
			// the first stored (SQLite's write transaction fails instead).
			if _, err := q.Exec(ctx, `SELECT id FROM campaigns WHERE id = ? FOR UPDATE`, c.ID); err != nil {
				return err
			}
		}
		old, err := s.campaignWhere(ctx, q, `c.id = ?`, c.ID)
		if err != nil {
			return err
		}
		if err := checkSeal(ctx, q, old, c); err != nil {
			return err
		}
		if old.Opens != c.Opens || old.Closes != c.Closes {
			// A new window: wait for the ballots being written (seal.go).
			if err := lockIntake(ctx, q); err != nil {
				return err
			}
		}
		if _, err := q.Exec(ctx, `UPDATE campaigns SET name = ?, opens = ?, closes = ?, program = ?, participants = ?, results_use = ?,
			anonymity = ?, publicity_days = ? WHERE id = ?`,
			c.Name, c.Opens, c.Closes, c.Program, participants, resultsUse, c.Anonymity, c.PublicityDays, c.ID); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "update", "campaign", c.Code, old, c)
	})
	if err != nil || State(c, time.Now()) != StateClosed {
		return err
	}
	return s.SortClosedBallots(ctx) // closed now: its ballots in key order (seal.go)
}

// CampaignTexts returns the program's participant scope and results use.
func (s *Store) CampaignTexts(ctx context.Context, c *pingyi.Campaign) (participants, resultsUse, publicityFrom string, err error) {
	err = s.R().QueryRow(ctx, `SELECT participants, results_use, publicity_from FROM campaigns WHERE id = ?`, c.ID).Scan(&participants, &resultsUse, &publicityFrom)
	return
}

// WipeTestCampaign deletes every ballot, code and tally of a campaign in
// test mode and switches it to formal: the rehearsal leaves no trace in
// the results.
func (s *Store) WipeTestCampaign(ctx context.Context, c *pingyi.Campaign, a store.Actor) error {
	defer s.invalidateResults()
	defer s.CodesDeleted()
	if !c.TestMode {
		bad := &pingyi.InputError{}
		bad.Add(0, "test_mode", "campaign %s is not in test mode: formal ballots are never wiped", c.Code)
		return bad
	}
	return s.Tx(ctx, func(q store.Q) error {
		var n int64
		q.QueryRow(ctx, `SELECT COUNT(*) FROM ballots WHERE campaign_id = ?`, c.ID).Scan(&n)
		for _, st := range []string{
			`DELETE FROM ballots WHERE campaign_id = ?`,
			`DELETE FROM receipts WHERE campaign_id = ?`,
			`DELETE FROM codes WHERE campaign_id = ?`,
			`DELETE FROM unit_tallies WHERE campaign_id = ?`,
			`DELETE FROM window_daily WHERE campaign_id = ?`,
			`UPDATE targets SET satisfied = 0, fairly_satisfied = 0, basically_satisfied = 0, dissatisfied = 0, abstain = 0 WHERE campaign_id = ?`,
			`UPDATE campaigns SET test_mode = 0 WHERE id = ?`,
		} {
			if _, err := q.Exec(ctx, st, c.ID); err != nil {
				return err
			}
		}
		return store.Audit(ctx, q, a, "wipe_test", "campaign", c.Code, map[string]int64{"ballots": n}, map[string]bool{"test_mode": false})
	})
}

// StartPublicity opens the publicity period (公示) from today; it lasts the
// campaign's publicity days (working days).
func (s *Store) StartPublicity(ctx context.Context, c *pingyi.Campaign, a store.Actor) error {
	return s.Tx(ctx, func(q store.Q) error {
		if _, err := q.Exec(ctx, `UPDATE campaigns SET publicity_from = ? WHERE id = ?`, store.Today(), c.ID); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "publicity", "campaign", c.Code, nil, map[string]string{"from": store.Today()})
	})
}

// Publicity reports the publicity period of a campaign and whether today
// lies in it: days working days of the calendar (SPEC §7) from the start.
func Publicity(cal *rules.Calendar, from string, days int, now time.Time) (start, end string, active bool) {
	if from == "" {
		return "", "", false
	}
	t, err := time.ParseInLocation("2006-01-02", from, time.Local)
	if err != nil {
		return "", "", false
	}
	e := cal.PeriodEnd(t, days)
	today := now.Format("2006-01-02")
	return from, e.Format("2006-01-02"), today >= from && today <= e.Format("2006-01-02")
}

// Notice is a notification (通报) of a campaign.
type Notice struct {
	ID               int64
	Title, Body, Day string
}

// AddNotice publishes a notice.
func (s *Store) AddNotice(ctx context.Context, c *pingyi.Campaign, title, body string, a store.Actor) error {
	if strings.TrimSpace(title) == "" {
		bad := &pingyi.InputError{}
		bad.Add(0, "title", "empty title")
		return bad
	}
	return s.Tx(ctx, func(q store.Q) error {
		if _, err := q.Exec(ctx, `INSERT INTO notices (id, campaign_id, title, body, published) VALUES (?, ?, ?, ?, ?)`, store.NewID(), c.ID, title, body, store.Today()); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "create", "notice", c.Code, nil, map[string]string{"title": title, "body": body})
	})
}

// Notices lists a campaign's notices, newest first.
func (s *Store) Notices(ctx context.Context, c *pingyi.Campaign) ([]Notice, error) {
	rows, err := s.R().Query(ctx, `SELECT id, title, body, published FROM notices WHERE campaign_id = ? ORDER BY id DESC`, c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Notice
	for rows.Next() {
		var n Notice
		if err := rows.Scan(&n.ID, &n.Title, &n.Body, &n.Day); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
