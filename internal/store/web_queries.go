package store

// Queries of the web UI (internal/web).

import (
	"context"
	"slices"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// SubtreeMemberCounts returns, for each org path given, the number of
// members in that org's whole subtree. The counts come from the cached
// tree summary (see treeSummary: dropped at once by imports in this
// process, reloaded in the background after treeTTL for changes made by
// another one), so a request costs a map lookup per path.
func (s *Store) SubtreeMemberCounts(ctx context.Context, paths []string) (map[string]int, error) {
	out := make(map[string]int, len(paths))
	if len(paths) == 0 {
		return out, nil
	}
	sum, err := s.treeSummary(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		n := 0
		if id, ok := pathID(p); ok {
			n = int(sum.members[id])
		}
		out[p] = n
	}
	return out, nil
}

// OrgsByIDs returns the orgs with the given ids (missing ones are left out).
func (s *Store) OrgsByIDs(ctx context.Context, ids []int64) (map[int64]pingyi.Org, error) {
	out := make(map[int64]pingyi.Org, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		q := s.R()
		if len(chunk) <= 8 { // a trail (the ancestors of an org): a few texts, kept prepared
			q = s.P()
		}
		rows, err := q.Query(ctx, `SELECT `+orgCols+` FROM orgs o WHERE o.id IN (`+Placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var o pingyi.Org
			if err := scanOrg(rows, &o); err != nil {
				rows.Close()
				return nil, err
			}
			out[o.ID] = o
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// OrgPathsByCode maps org codes to their paths (unknown codes are left out).
func (s *Store) OrgPathsByCode(ctx context.Context, codes []string) (map[string]string, error) {
	return s.pathsByCode(ctx, `SELECT o.code, o.path FROM orgs o WHERE o.code IN `, codes)
}

// MemberOrgPathsByCode maps member codes to the paths of their orgs
// (unknown codes are left out).
func (s *Store) MemberOrgPathsByCode(ctx context.Context, codes []string) (map[string]string, error) {
	return s.pathsByCode(ctx, `SELECT m.code, o.path FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.code IN `, codes)
}

func (s *Store) pathsByCode(ctx context.Context, q string, codes []string) (map[string]string, error) {
	out := make(map[string]string, len(codes))
	for chunk := range slices.Chunk(codes, 500) {
		args := make([]any, len(chunk))
		for i, c := range chunk {
			args[i] = c
		}
		rows, err := s.R().Query(ctx, q+`(`+Placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var code, path string
			if err := rows.Scan(&code, &path); err != nil {
				rows.Close()
				return nil, err
			}
			out[code] = path
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
