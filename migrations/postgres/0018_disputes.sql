-- 矛盾纠纷: the dispute kind of case, the mediation organisations (a department each, so that a
-- dispute is assigned to one as events are dispatched) and their mediators, the parties (sealed
-- like persons), the mediation sessions; and the permissions of the default roles.

CREATE TABLE mediation_organisations (
    department_id BIGINT PRIMARY KEY REFERENCES departments (id),
    kind          TEXT NOT NULL,
    -- The dispute type a 行业性专业性 committee takes (交通事故 13, 医疗 12 …).
    speciality    TEXT,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE mediators (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id),
    full_time  BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- 排查: a campaign asks every grid or village of a unit for its disputes, or a 零报告, by a day.
CREATE TABLE dispute_screenings (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    topic      TEXT,
    org_code   TEXT NOT NULL REFERENCES org_units (code),
    level      TEXT NOT NULL,
    due_on     TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX dispute_screenings_org ON dispute_screenings (org_code, id);

-- A unit's 零报告 in a campaign (a unit that registered disputes in it has reported by them).
CREATE TABLE screening_reports (
    screening_id  BIGINT NOT NULL REFERENCES dispute_screenings (id),
    unit_code     TEXT NOT NULL,
    reported_by   BIGINT REFERENCES users (id),
    reporter_name TEXT NOT NULL,
    note          TEXT,
    reported_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (screening_id, unit_code)
);

CREATE TABLE disputes (
    case_id                BIGINT PRIMARY KEY REFERENCES cases (id),
    client_id              TEXT NOT NULL UNIQUE,
    -- Copies of the case's place, lead organisation and day of registration, kept with it so that the
    -- statistics read this table's indexes alone (disputes_stats_*).
    org_code               TEXT NOT NULL,
    department_id          BIGINT REFERENCES departments (id),
    created_at             TIMESTAMPTZ NOT NULL,
    dispute_type           TEXT NOT NULL,
    sub_type               TEXT,
    source                 TEXT NOT NULL,
    external_ref           TEXT,
    scale                  TEXT NOT NULL,
    people_count           BIGINT NOT NULL,
    amount_fen             BIGINT,
    facts                  TEXT NOT NULL,
    lon                    DOUBLE PRECISION,
    lat                    DOUBLE PRECISION,
    address                TEXT,
    -- The court, procuratorate, police station or petition office that referred it.
    referrer_department_id BIGINT REFERENCES departments (id),
    -- The event it was converted from.
    event_id               BIGINT REFERENCES cases (id),
    mediator_id            BIGINT REFERENCES users (id),
    agreement_kind         TEXT,
    agreement              TEXT,
    -- When mediation ended: succeeded 1 or 0 (调解不成), for the statistics by period.
    concluded_at           TIMESTAMPTZ,
    succeeded              BOOLEAN,
    referred_to            TEXT,
    accident_number        TEXT,
    insurer                TEXT,
    liability_percent      BIGINT,
    -- Whether a court ruled on it (道交一体化: disputes entering litigation).
    litigated              BOOLEAN NOT NULL DEFAULT FALSE,
    -- What the successful mediation prevented: 民转刑 and 群体性上访 (the statistics count them).
    prevented_crime        BOOLEAN NOT NULL DEFAULT FALSE,
    prevented_petition     BOOLEAN NOT NULL DEFAULT FALSE,
    -- The 排查 campaign it was found in.
    screening_id           BIGINT REFERENCES dispute_screenings (id)
);
CREATE INDEX disputes_referrer ON disputes (referrer_department_id, case_id);
CREATE INDEX disputes_event ON disputes (event_id);
-- The mediation statistics: a period's registrations and a period's conclusions, each an index
-- range that holds every column the counts need.
CREATE INDEX disputes_stats_created ON disputes
    (created_at, org_code, dispute_type, source, department_id, litigated);
CREATE INDEX disputes_stats_concluded ON disputes
    (concluded_at, org_code, dispute_type, source, department_id, succeeded, amount_fen,
     prevented_crime, prevented_petition);
CREATE INDEX disputes_screening ON disputes (screening_id);

CREATE TABLE dispute_parties (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES cases (id),
    role         TEXT NOT NULL,
    name_sealed  BYTEA NOT NULL,
    name_masked  TEXT NOT NULL,
    id_sealed    BYTEA,
    id_index     TEXT,
    id_masked    TEXT,
    phone_sealed BYTEA,
    phone_masked TEXT,
    credit_code  TEXT
);
CREATE INDEX dispute_parties_case ON dispute_parties (case_id);
CREATE INDEX dispute_parties_id ON dispute_parties (id_index);

CREATE TABLE dispute_sessions (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id       BIGINT NOT NULL REFERENCES cases (id),
    held_at       TIMESTAMPTZ NOT NULL,
    place         TEXT,
    video_link    TEXT,
    attendees     TEXT NOT NULL,
    record        TEXT NOT NULL,
    mediator_id   BIGINT REFERENCES users (id),
    mediator_name TEXT NOT NULL
);
CREATE INDEX dispute_sessions_case ON dispute_sessions (case_id, id);

-- A dispute's case files include the photographed signed agreement (签字协议书).
ALTER TABLE case_files DROP CONSTRAINT case_files_stage_check;
ALTER TABLE case_files ADD CONSTRAINT case_files_stage_check
    CHECK (stage IN ('before', 'after', 'agreement'));

UPDATE roles SET permissions = permissions || ' register_disputes'
 WHERE builtin AND name IN ('commander', 'operator', 'grid_worker', 'handler', 'mediator');
UPDATE roles SET permissions = permissions || ' department_work' WHERE builtin AND name = 'mediator';
UPDATE roles SET permissions = permissions || ' manage_mediation' WHERE builtin AND name = 'commander';
