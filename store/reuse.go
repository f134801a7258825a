package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ofcbuild/ofc/pipeline"
)

// builtImage is the newest image a build of the same repository pushed for
// a function of that name with that content, with the commit it was built
// for: a build that reused it names that commit too.
const builtImage = `SELECT fb.image, fb.digest, COALESCE(NULLIF(fb.reused_from, ''), b.commit_sha), b.id
FROM function_builds fb JOIN builds b ON b.id = fb.build_id
WHERE b.repo_id = (SELECT repo_id FROM builds WHERE id = $1)
	AND fb.name = $2 AND fb.content_hash = $3 AND fb.content_hash <> '' AND fb.digest <> ''
ORDER BY fb.id DESC LIMIT 1`

// BuiltImage implements pipeline.ImageHistory.
func (s *Store) BuiltImage(ctx context.Context, id int64, name, contentHash string) (pipeline.BuiltImage, bool, error) {
	var img pipeline.BuiltImage
	err := s.pool.QueryRow(ctx, builtImage, id, name, contentHash).Scan(&img.Image, &img.Digest, &img.Commit, &img.BuildID)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return pipeline.BuiltImage{}, false, nil
	case err != nil:
		return pipeline.BuiltImage{}, false, pipeline.Transient(fmt.Errorf("images built for %s: %w", name, err))
	}
	return img, true, nil
}
