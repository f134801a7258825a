package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ofcbuild/ofc/pipeline"
)

// Log reading limits: a limit of zero or less asks for DefaultLogLimit
// lines, and no more than MaxLogLimit are returned at once.
const (
	DefaultLogLimit = 1000
	MaxLogLimit     = 10000
)

// AppendLog stores lines, which must be in Seq order and follow every
// line stored for build id before, as one chunk. A chunk already stored
// (the same first Seq) is left as it is, so a retried append is harmless.
func (s *Store) AppendLog(ctx context.Context, id int64, lines []pipeline.LogLine) error {
	if len(lines) == 0 {
		return nil
	}
	data, err := json.Marshal(lines)
	if err != nil {
		return fmt.Errorf("encode log of build %d: %w", id, err)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO build_log_chunks (build_id, first_seq, last_seq, lines)
		VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, id, lines[0].Seq, lines[len(lines)-1].Seq, data)
	if err != nil {
		return fmt.Errorf("store log of build %d: %w", id, err)
	}
	return nil
}

// LastLogSeq is the Seq of the last line stored for build id, 0 when
// there is none: a new attempt of the build numbers its lines after it.
func (s *Store) LastLogSeq(ctx context.Context, id int64) (int64, error) {
	var seq int64
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(last_seq), 0) FROM build_log_chunks WHERE build_id = $1`, id).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("last log line of build %d: %w", id, err)
	}
	return seq, nil
}

// readLog unpacks the chunks that may hold lines after $2 from the
// primary key's range, and filters the lines in Postgres, so a page costs
// the chunks it spans, not the whole log.
const readLog = `SELECT l.seq, coalesce(l.function, ''), l.step, l.time, l.text
FROM build_log_chunks c
CROSS JOIN LATERAL jsonb_to_recordset(c.lines) AS l(seq bigint, function text, step text, time timestamptz, text text)
WHERE c.build_id = $1 AND c.last_seq > $2 AND l.seq > $2
	AND ($3::text IS NULL OR coalesce(l.function, '') = $3)
ORDER BY l.seq
LIMIT $4`

// ReadLog implements pipeline.LogReader.
func (s *Store) ReadLog(ctx context.Context, id int64, function *string, after int64, limit int) ([]pipeline.LogLine, error) {
	if limit <= 0 {
		limit = DefaultLogLimit
	}
	limit = min(limit, MaxLogLimit)
	rows, _ := s.pool.Query(ctx, readLog, id, after, function, limit)
	lines, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (pipeline.LogLine, error) {
		var l pipeline.LogLine
		err := row.Scan(&l.Seq, &l.Function, &l.Step, &l.Time, &l.Text)
		l.Time = l.Time.UTC()
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("read log of build %d: %w", id, err)
	}
	return lines, nil
}
