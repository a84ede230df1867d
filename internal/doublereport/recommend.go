package doublereport

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/tabular"
)

// Recommendation file (SPEC §6).
var (
	RecommendColumns  = []string{"kind", "code"}
	RecommendOptional = []string{"mass_votes", "note"}
)

// QuotaError refuses a list over a street's quota.
type QuotaError struct {
	Over []QuotaOver
}

// QuotaOver is one kind over its quota.
type QuotaOver struct {
	Kind         string // member, org
	Count, Quota int
}

func (e *QuotaError) Error() string {
	var b strings.Builder
	for i, o := range e.Over {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s: %d recommended, over the quota of %d", o.Kind, o.Count, o.Quota)
	}
	return b.String()
}

// streetCommunities returns the ids of the communities whose street (their
// nearest ancestor of level street) is the street.
func (d *DR) streetCommunities(ctx context.Context, street orgInfo) ([]int64, error) {
	rows, err := d.S.R().Query(ctx, `SELECT id, path, level FROM orgs WHERE path LIKE ?`, subtreeLike(street.Path))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	level := make(map[string]string)
	type comm struct {
		id   int64
		path string
	}
	var comms []comm
	for rows.Next() {
		var id int64
		var p, l string
		if err := rows.Scan(&id, &p, &l); err != nil {
			return nil, err
		}
		level[strconv.FormatInt(id, 10)] = l
		if l == rules.LevelCommunity {
			comms = append(comms, comm{id, p})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	self := strconv.FormatInt(street.ID, 10)
	var out []int64
	for _, c := range comms {
		ids := strings.Split(strings.Trim(c.path, "/"), "/")
		// Walk up from the community's parent to the first street.
		for i := len(ids) - 2; i >= 0; i-- {
			if level[ids[i]] == rules.LevelStreet {
				if ids[i] == self {
					out = append(out, c.id)
				}
				break
			}
		}
	}
	return out, nil
}

// Eligible returns the members and the orgs (by code) with a registration
// at a community of the street active on some day of the year: the n of
// the quota.
func (d *DR) Eligible(ctx context.Context, streetCode string, year int) (members, orgs map[string]int64, err error) {
	street, err := d.Scope(ctx, streetCode)
	if err != nil {
		return nil, nil, err
	}
	if street.Level != rules.LevelStreet {
		return nil, nil, fmt.Errorf("%w: org %q is not of level street", pingyi.ErrInvalid, streetCode)
	}
	comms, err := d.streetCommunities(ctx, street)
	if err != nil {
		return nil, nil, err
	}
	members, orgs = map[string]int64{}, map[string]int64{}
	from, to := strconv.Itoa(year)+"-01-01", strconv.Itoa(year)+"-12-31"
	for len(comms) > 0 {
		n := min(500, len(comms))
		args := []any{to, from}
		for _, id := range comms[:n] {
			args = append(args, id)
		}
		comms = comms[n:]
		if err := func() error {
			rows, err := d.S.R().Query(ctx, `SELECT COALESCE(m.code, ''), COALESCE(o.code, ''), r.member_id, r.org_id FROM dr_registrations r
				LEFT JOIN members m ON m.id = r.member_id LEFT JOIN orgs o ON o.id = r.org_id
				WHERE r.registered_on <= ? AND (r.left_on = '' OR r.left_on > ?) AND r.community_id IN (`+marks(n)+`)`, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var mc, oc string
				var mid, oid int64
				if err := rows.Scan(&mc, &oc, &mid, &oid); err != nil {
					return err
				}
				if mid != 0 {
					members[mc] = mid
				} else {
					orgs[oc] = oid
				}
			}
			return rows.Err()
		}(); err != nil {
			return nil, nil, err
		}
	}
	return members, orgs, nil
}

// Recommend replaces a street's recommendation list for the year, all or
// nothing: refused (QuotaError) when a kind is over round_half_up(15% × n)
// (at least 1), or (InputError) for a code not counted in n.
func (d *DR) Recommend(ctx context.Context, year int, streetCode string, rows []tabular.Row, a store.Actor) (members, orgs int, err error) {
	street, err := d.Scope(ctx, streetCode)
	if err != nil {
		return 0, 0, err
	}
	em, eo, err := d.Eligible(ctx, streetCode, year)
	if err != nil {
		return 0, 0, err
	}
	bad := &pingyi.InputError{}
	first := make(map[string]int)
	var ins [][]any
	now := store.Now()
	for _, r := range rows {
		kind, code := tabular.Trim(r.Get("kind")), tabular.Trim(r.Get("code"))
		votes := 0
		if v := tabular.Trim(r.Get("mass_votes")); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				bad.Add(r.Line, "mass_votes", "not a whole number ≥ 0: %q", v)
			}
			votes = n
		}
		var mid, oid int64
		var ok bool
		switch kind {
		case "member":
			mid, ok = em[code]
		case "org":
			oid, ok = eo[code]
		default:
			bad.Add(r.Line, "kind", "unknown kind %q (member, org)", kind)
			continue
		}
		if !ok {
			bad.Add(r.Line, "code", "%s %q has no registration at a community of street %s in %d", kind, code, streetCode, year)
			continue
		}
		key := kind + "\x00" + code
		if l, dup := first[key]; dup {
			bad.Add(r.Line, "code", "duplicate code %q (first on line %d)", code, l)
			continue
		}
		first[key] = r.Line
		if kind == "member" {
			members++
		} else {
			orgs++
		}
		ins = append(ins, []any{store.NewID(), year, street.ID, kind, mid, oid, votes, tabular.Trim(r.Get("note")), now})
	}
	if err := bad.Err(); err != nil {
		return 0, 0, err
	}
	qe := &QuotaError{}
	if q := rules.RecommendQuota(len(em)); members > q {
		qe.Over = append(qe.Over, QuotaOver{"member", members, q})
	}
	if q := rules.RecommendQuota(len(eo)); orgs > q {
		qe.Over = append(qe.Over, QuotaOver{"org", orgs, q})
	}
	if len(qe.Over) > 0 {
		return 0, 0, qe
	}
	err = d.S.Tx(ctx, func(q store.Q) error {
		if _, err := q.Exec(ctx, `DELETE FROM dr_recommendations WHERE street_id = ? AND year = ?`, street.ID, year); err != nil {
			return err
		}
		if err := insertBatch(ctx, q, "dr_recommendations", []string{"id", "year", "street_id", "kind", "member_id", "org_id", "mass_votes", "note", "created_at"}, ins); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "replace", "dr_recommendations", streetCode+"/"+strconv.Itoa(year), nil,
			map[string]int{"members": members, "orgs": orgs, "member_quota": rules.RecommendQuota(len(em)), "org_quota": rules.RecommendQuota(len(eo))})
	})
	return members, orgs, err
}
