-- One row per run of a scheduled job that the builders share. Every
-- builder tries to insert the row of a scheduled time; the one whose
-- insert lands runs the job, so N builders run it once.
CREATE TABLE job_runs (
    job          text        NOT NULL,
    scheduled_at timestamptz NOT NULL,
    claimed_by   text        NOT NULL,
    claimed_at   timestamptz NOT NULL DEFAULT now(),
    -- NULL while the run goes on, or when its builder died during it.
    finished_at  timestamptz,
    -- Empty when the run did everything it found to do.
    error        text        NOT NULL DEFAULT '',
    PRIMARY KEY (job, scheduled_at)
);
