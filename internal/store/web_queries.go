package store

// Queries of the web UI (internal/web).

import (
	"context"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// SubtreeMemberCounts returns, for each org path given, the number of
// members in that org's whole subtree, with one query over the common
// subtree under prefix (a path that every given path starts with; "" for
// the whole tree).
func (s *Store) SubtreeMemberCounts(ctx context.Context, prefix string, paths []string) (map[string]int, error) {
	out := make(map[string]int, len(paths))
	if len(paths) == 0 {
		return out, nil
	}
	for _, p := range paths {
		out[p] = 0
	}
	direct, err := s.pathMemberCounts(ctx, prefix)
	if err != nil {
		return nil, err
	}
	for path, n := range direct {
		// Credit the org and each of its ancestors that was asked for.
		for i := 1; i < len(path); i++ {
			if path[i] == '/' {
				if _, ok := out[path[:i+1]]; ok {
					out[path[:i+1]] += n
				}
			}
		}
	}
	return out, nil
}

// pathMemberCounts returns the number of members directly in each org of
// the subtree under prefix, cached for countsTTL (and dropped at once
// when this process imports members or orgs). The map is shared: do not
// modify it.
func (s *Store) pathMemberCounts(ctx context.Context, prefix string) (map[string]int, error) {
	var gen int64
	if c := s.cache; c != nil {
		c.cmu.Lock()
		e, ok := c.counts[prefix]
		gen = c.countsG
		c.cmu.Unlock()
		if ok && e.gen == gen && time.Since(e.at) < countsTTL {
			return e.counts, nil
		}
	}
	pred, args := s.pathPrefix("o.path", prefix)
	rows, err := s.R().Query(ctx, `SELECT o.path, COUNT(*) FROM members m JOIN orgs o ON o.id = m.org_id
		WHERE `+pred+` GROUP BY o.path`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var path string
		var n int
		if err := rows.Scan(&path, &n); err != nil {
			return nil, err
		}
		counts[path] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if c := s.cache; c != nil {
		c.cmu.Lock()
		if c.countsG == gen {
			if len(c.counts) >= countsCacheSize {
				for k, e := range c.counts {
					if time.Since(e.at) >= countsTTL || len(c.counts) >= countsCacheSize {
						delete(c.counts, k)
					}
				}
			}
			c.counts[prefix] = countsEntry{gen: gen, at: time.Now(), counts: counts}
		}
		c.cmu.Unlock()
	}
	return counts, nil
}

// OrgsByIDs returns the orgs with the given ids (missing ones are left out).
func (s *Store) OrgsByIDs(ctx context.Context, ids []int64) (map[int64]pingyi.Org, error) {
	out := make(map[int64]pingyi.Org, len(ids))
	for chunk := range webChunks(ids, 500) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := s.R().Query(ctx, `SELECT `+orgCols+` FROM orgs o WHERE o.id IN (`+webPlaceholders(len(chunk))+`)`, args...)
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
	for chunk := range webChunks(codes, 500) {
		args := make([]any, len(chunk))
		for i, c := range chunk {
			args[i] = c
		}
		rows, err := s.R().Query(ctx, q+`(`+webPlaceholders(len(chunk))+`)`, args...)
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

func webPlaceholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func webChunks[T any](xs []T, size int) func(func([]T) bool) {
	return func(yield func([]T) bool) {
		for len(xs) > 0 {
			n := min(size, len(xs))
			if !yield(xs[:n]) {
				return
			}
			xs = xs[n:]
		}
	}
}
