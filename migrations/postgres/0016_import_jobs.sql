-- 导入任务 — background imports and their progress, kept in the database so that any instance
-- behind a load balancer answers "how far has my import got" (no sticky sessions). The instance
-- running a job touches `updated_at` every few seconds; a running job untouched for a minute
-- died with its instance and is shown as interrupted. The report (which quotes refused cells, ID
-- numbers among them) is sealed like any personal field.
CREATE TABLE import_jobs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    owner_id    BIGINT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    total       BIGINT NOT NULL DEFAULT 0,
    checked     BIGINT NOT NULL DEFAULT 0,
    written     BIGINT NOT NULL DEFAULT 0,
    report      BYTEA,
    message     TEXT,
    started_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    ended_at    TIMESTAMPTZ
);
CREATE INDEX import_jobs_ended ON import_jobs (ended_at) WHERE ended_at IS NOT NULL;
