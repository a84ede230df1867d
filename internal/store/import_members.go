package store

import (
	"context"
	"strconv"
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/tabular"
)

// MemberColumns are the member file's required columns (SPEC §6);
// MemberOptional the further columns it may have.
var (
	MemberColumns  = []string{"code", "name", "org_code", "category", "is_secretary"}
	MemberOptional = []string{"phone", "gender", "birth_year", "home_unit", "community_code", "id_number"}
)

// MemberRow is one line of a member file, as read. Has lists the optional
// columns the file has (a column the file lacks keeps its stored value on
// re-import).
type MemberRow struct {
	Line                                       int
	Code, Name, OrgCode, Category, IsSecretary string
	Phone, Gender, BirthYear, HomeUnit         string
	CommunityCode, IDNumber                    string
	Has                                        map[string]bool
}

// MemberRows turns a member table (read by tabular, header checked) into
// rows for ImportMembers.
func MemberRows(t *tabular.Table) []MemberRow {
	has := map[string]bool{}
	for _, h := range t.Header {
		has[h] = true
	}
	rows := make([]MemberRow, 0, len(t.Rows))
	for _, r := range t.Rows {
		rows = append(rows, MemberRow{Line: r.Line, Code: r.Get("code"), Name: r.Get("name"), OrgCode: r.Get("org_code"),
			Category: r.Get("category"), IsSecretary: r.Get("is_secretary"), Phone: r.Get("phone"), Gender: r.Get("gender"),
			BirthYear: r.Get("birth_year"), HomeUnit: r.Get("home_unit"), CommunityCode: r.Get("community_code"),
			IDNumber: r.Get("id_number"), Has: has})
	}
	return rows
}

type memberState struct {
	pingyi.Member
	orgCode string
	isNew   bool
	line    int
}

// ImportMembers creates or updates members by code, all or nothing. It
// refuses, naming every bad line and column: an empty code or name, an org
// that does not exist, an unknown category, a bad is_secretary, gender,
// birth year, phone or ID number (GB 11643 check digit), a duplicate code
// in the file, and two secretaries for one org (counting the members
// already stored that the file leaves alone).
func (s *Store) ImportMembers(ctx context.Context, rows []MemberRow, a Actor) (ImportStats, error) {
	defer s.invalidateOrgs()
	var stats ImportStats
	err := s.Tx(ctx, func(q Q) error {
		orgIDs := map[string]int64{}
		orgCodes := map[int64]string{}
		rs, err := q.Query(ctx, `SELECT id, code FROM orgs`)
		if err != nil {
			return err
		}
		for rs.Next() {
			var id int64
			var code string
			if err := rs.Scan(&id, &code); err != nil {
				rs.Close()
				return err
			}
			orgIDs[code] = id
			orgCodes[id] = code
		}
		rs.Close()

		existing := map[string]*memberState{}
		rs, err = q.Query(ctx, `SELECT id, code, name, org_id, category, is_secretary, phone, id_number, gender, birth_year, home_unit, community_code FROM members`)
		if err != nil {
			return err
		}
		for rs.Next() {
			m := &memberState{}
			var sec int
			if err := rs.Scan(&m.ID, &m.Code, &m.Name, &m.OrgID, &m.Category, &sec, &m.Phone, &m.IDNumber, &m.Gender, &m.BirthYear, &m.HomeUnit, &m.CommunityCode); err != nil {
				rs.Close()
				return err
			}
			m.IsSecretary = sec != 0
			m.orgCode = orgCodes[m.OrgID]
			existing[m.Code] = m
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return err
		}

		bad := &pingyi.InputError{}
		seen := map[string]int{}
		var next []*memberState
		for _, r := range rows {
			ok := true
			if r.Code == "" {
				bad.Add(r.Line, "code", "empty code")
				ok = false
			} else if first, dup := seen[r.Code]; dup {
				bad.Add(r.Line, "code", "duplicate code %q (first on line %d)", r.Code, first)
				ok = false
			} else {
				seen[r.Code] = r.Line
			}
			if r.Name == "" {
				bad.Add(r.Line, "name", "empty name")
			}
			checkCellText(bad, r.Line, "code", r.Code)
			checkCellText(bad, r.Line, "name", r.Name)
			checkCellText(bad, r.Line, "home_unit", r.HomeUnit)
			checkCellText(bad, r.Line, "community_code", r.CommunityCode)
			orgID, orgOK := orgIDs[r.OrgCode]
			if r.OrgCode == "" {
				bad.Add(r.Line, "org_code", "empty org code")
			} else if !orgOK {
				bad.Add(r.Line, "org_code", "org %q does not exist", r.OrgCode)
			}
			if !pingyi.ValidCategory(r.Category) {
				bad.Add(r.Line, "category", "unknown category %q (cadre, farming, elderly, migrant, in_service)", r.Category)
			}
			sec, err := tabular.ParseBool(r.IsSecretary)
			if err != nil {
				bad.Add(r.Line, "is_secretary", "not true or false: %q", r.IsSecretary)
			}
			var m memberState
			if old := existing[r.Code]; old != nil {
				m = *old
			} else {
				m.isNew = true
				m.ID = NewID()
				m.Code = r.Code
			}
			m.line = r.Line
			m.Name, m.OrgID, m.orgCode, m.Category, m.IsSecretary = r.Name, orgID, r.OrgCode, pingyi.Category(r.Category), sec
			if r.Has["phone"] {
				if r.Phone != "" && !tabular.ValidPhone(r.Phone) {
					bad.Add(r.Line, "phone", "not a valid phone number: %q", r.Phone)
				}
				m.Phone = tabular.NormalizePhone(r.Phone)
			}
			if r.Has["id_number"] {
				id := strings.ToUpper(r.IDNumber)
				if id != "" && !tabular.ValidIDNumber(id) {
					bad.Add(r.Line, "id_number", "not a valid ID number (GB 11643 check digit or birth date): %q", r.IDNumber)
				}
				m.IDNumber = id
			}
			if r.Has["gender"] {
				g, gok := parseGender(r.Gender)
				if !gok {
					bad.Add(r.Line, "gender", "unknown gender %q (male, female, 男, 女)", r.Gender)
				}
				m.Gender = g
			}
			if r.Has["birth_year"] {
				m.BirthYear = 0
				if r.BirthYear != "" {
					y, err := strconv.Atoi(r.BirthYear)
					if err != nil || y < 1900 || y > 2100 {
						bad.Add(r.Line, "birth_year", "not a year: %q", r.BirthYear)
					}
					m.BirthYear = y
				}
			}
			if r.Has["home_unit"] {
				m.HomeUnit = r.HomeUnit
			}
			if r.Has["community_code"] {
				m.CommunityCode = r.CommunityCode
			}
			if ok {
				next = append(next, &m)
			}
		}

		// Two secretaries for one org: the file over what is stored.
		final := map[string]*memberState{}
		for c, m := range existing {
			final[c] = m
		}
		for _, m := range next {
			final[m.Code] = m
		}
		secretaries := map[int64][]*memberState{}
		for _, m := range final {
			if m.IsSecretary && m.OrgID != 0 {
				secretaries[m.OrgID] = append(secretaries[m.OrgID], m)
			}
		}
		for _, m := range next {
			if !m.IsSecretary || m.OrgID == 0 {
				continue
			}
			for _, o := range secretaries[m.OrgID] {
				if o.Code == m.Code {
					continue
				}
				if o.line != 0 && seen[o.Code] == o.line {
					bad.Add(m.line, "is_secretary", "org %q would have two secretaries: %s and %s (line %d)", m.orgCode, m.Code, o.Code, o.line)
				} else {
					bad.Add(m.line, "is_secretary", "org %q would have two secretaries: %s and %s (already stored)", m.orgCode, m.Code, o.Code)
				}
				break
			}
		}
		if err := bad.Err(); err != nil {
			return err
		}

		now := Now()
		for _, m := range next {
			if m.isNew {
				if _, err := q.Exec(ctx, `INSERT INTO members (id, code, name, org_id, category, is_secretary, phone, id_number, gender, birth_year, home_unit, community_code, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					m.ID, m.Code, m.Name, m.OrgID, string(m.Category), b2i(m.IsSecretary), m.Phone, m.IDNumber, m.Gender, m.BirthYear, m.HomeUnit, m.CommunityCode, now); err != nil {
					return err
				}
				stats.Created++
				if err := Audit(ctx, q, a, "create", "member", m.Code, nil, memberAudit(m)); err != nil {
					return err
				}
				continue
			}
			old := existing[m.Code]
			if sameMember(old, m) {
				stats.Unchanged++
				continue
			}
			if _, err := q.Exec(ctx, `UPDATE members SET name = ?, org_id = ?, category = ?, is_secretary = ?, phone = ?, id_number = ?, gender = ?, birth_year = ?, home_unit = ?, community_code = ?, updated_at = ? WHERE id = ?`,
				m.Name, m.OrgID, string(m.Category), b2i(m.IsSecretary), m.Phone, m.IDNumber, m.Gender, m.BirthYear, m.HomeUnit, m.CommunityCode, now, m.ID); err != nil {
				return err
			}
			stats.Updated++
			if err := Audit(ctx, q, a, "update", "member", m.Code, memberAudit(old), memberAudit(m)); err != nil {
				return err
			}
		}
		return nil
	})
	return stats, err
}

// memberAudit is what the audit log keeps of a member; personal data is
// recorded masked.
type memberRecord struct {
	Code, Name, Org, Category string
	Secretary                 bool
	Phone, IDNumber, Gender   string
	BirthYear                 int
	HomeUnit, Community       string
}

func memberAudit(m *memberState) memberRecord {
	return memberRecord{m.Code, m.Name, m.orgCode, string(m.Category), m.IsSecretary,
		tabular.MaskPhone(m.Phone), tabular.MaskIDNumber(m.IDNumber), m.Gender, m.BirthYear, m.HomeUnit, m.CommunityCode}
}

func sameMember(a, b *memberState) bool {
	return a.Name == b.Name && a.OrgID == b.OrgID && a.Category == b.Category && a.IsSecretary == b.IsSecretary &&
		a.Phone == b.Phone && a.IDNumber == b.IDNumber && a.Gender == b.Gender && a.BirthYear == b.BirthYear &&
		a.HomeUnit == b.HomeUnit && a.CommunityCode == b.CommunityCode
}

func parseGender(s string) (string, bool) {
	switch strings.ToLower(s) {
	case "":
		return "", true
	case "male", "m", "男":
		return "male", true
	case "female", "f", "女":
		return "female", true
	}
	return "", false
}
