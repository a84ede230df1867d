package voice

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
)

// APIToken is a token of the opinions API (its secret is shown once).
type APIToken struct {
	ID                   int64
	Name, Channel        string
	CreatedAt, CreatedBy string
	RevokedAt            string
}

// IssueToken makes a token for a system posting opinions of channel; the
// secret is returned once, only its hash is kept. Audited.
func (v *Voice) IssueToken(ctx context.Context, name, channel string, a store.Actor) (APIToken, string, error) {
	ie := &pingyi.InputError{}
	name = strings.TrimSpace(name)
	if name == "" {
		ie.Add(0, "name", "required")
	} else if utf8.RuneCountInString(name) > 100 {
		ie.Add(0, "name", "too long: %d characters, at most %d", utf8.RuneCountInString(name), 100)
	}
	if _, ok := rules.ParseChannel(channel); !ok {
		ie.Add(0, "channel", "unknown channel %q (visit, seminar, reception, email, box, web, hotline)", channel)
	}
	if err := ie.Err(); err != nil {
		return APIToken{}, "", err
	}
	secret := "pyv_" + randomText(24)
	t := APIToken{ID: store.NewID(), Name: name, Channel: strings.TrimSpace(channel), CreatedAt: store.Now(), CreatedBy: a.Username}
	err := v.S.Tx(ctx, func(q store.Q) error {
		if _, err := q.Exec(ctx, `INSERT INTO voice_api_tokens (id, name, token_hash, channel, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)`,
			t.ID, t.Name, HashToken(secret), t.Channel, t.CreatedAt, t.CreatedBy); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "issue", "voice_api_token", t.Name, nil, map[string]string{"name": t.Name, "channel": t.Channel})
	})
	return t, secret, err
}

// RevokeToken revokes a token (ErrNotFound for an unknown or revoked one).
func (v *Voice) RevokeToken(ctx context.Context, id int64, a store.Actor) error {
	return v.S.Tx(ctx, func(q store.Q) error {
		var name string
		err := q.QueryRow(ctx, `SELECT name FROM voice_api_tokens WHERE id = ? AND revoked_at = ''`, id).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE voice_api_tokens SET revoked_at = ? WHERE id = ?`, store.Now(), id); err != nil {
			return err
		}
		return store.Audit(ctx, q, a, "revoke", "voice_api_token", name, nil, nil)
	})
}

// Tokens lists the tokens, newest first.
func (v *Voice) Tokens(ctx context.Context) ([]APIToken, error) {
	rows, err := v.S.R().Query(ctx, `SELECT id, name, channel, created_at, created_by, revoked_at FROM voice_api_tokens ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		if err := rows.Scan(&t.ID, &t.Name, &t.Channel, &t.CreatedAt, &t.CreatedBy, &t.RevokedAt); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TokenFor returns the live token with this secret (ErrNotFound otherwise).
func (v *Voice) TokenFor(ctx context.Context, secret string) (APIToken, error) {
	var t APIToken
	err := v.S.R().QueryRow(ctx, `SELECT id, name, channel, created_at, created_by, revoked_at FROM voice_api_tokens
		WHERE token_hash = ? AND revoked_at = ''`, HashToken(secret)).Scan(&t.ID, &t.Name, &t.Channel, &t.CreatedAt, &t.CreatedBy, &t.RevokedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	return t, err
}
