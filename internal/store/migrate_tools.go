package store

import "context"

// MigrateDownTo rolls the schema back to version v (tests of migrations, the platform's and the features').
func MigrateDownTo(ctx context.Context, s *Store, v int64) error {
	p, err := s.migrations()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, v)
	return err
}

// MigrateUp applies every migration (tests of migrations, the platform's and the features').
func MigrateUp(ctx context.Context, s *Store) error { return s.migrate(ctx) }
