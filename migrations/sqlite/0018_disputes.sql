-- 矛盾纠纷: the dispute kind of case, the mediation organisations (a department each, so that a
-- dispute is assigned to one as events are dispatched) and their mediators, the parties (sealed
-- like persons), the mediation sessions; and the permissions of the default roles.

CREATE TABLE mediation_organisations (
    department_id INTEGER PRIMARY KEY REFERENCES departments (id),
    kind          TEXT NOT NULL,
    -- The dispute type a 行业性专业性 committee takes (交通事故 13, 医疗 12 …).
    speciality    TEXT,
    created_at    TEXT NOT NULL
);

CREATE TABLE mediators (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id),
    full_time  INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

-- 排查: a campaign asks every grid or village of a unit for its disputes, or a 零报告, by a day.
CREATE TABLE dispute_screenings (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    topic      TEXT,
    org_code   TEXT NOT NULL REFERENCES org_units (code),
    level      TEXT NOT NULL,
    due_on     TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX dispute_screenings_org ON dispute_screenings (org_code, id);

-- A unit's 零报告 in a campaign (a unit that registered disputes in it has reported by them).
CREATE TABLE screening_reports (
    screening_id  INTEGER NOT NULL REFERENCES dispute_screenings (id),
    unit_code     TEXT NOT NULL,
    reported_by   INTEGER REFERENCES users (id),
    reporter_name TEXT NOT NULL,
    note          TEXT,
    reported_at   TEXT NOT NULL,
    PRIMARY KEY (screening_id, unit_code)
);

CREATE TABLE disputes (
    case_id                INTEGER PRIMARY KEY REFERENCES cases (id),
    client_id              TEXT NOT NULL UNIQUE,
    -- Copies of the case's place, lead organisation and day of registration, kept with it so that the
    -- statistics read this table's indexes alone (disputes_stats_*).
    org_code               TEXT NOT NULL,
    department_id          INTEGER REFERENCES departments (id),
    created_at             TEXT NOT NULL,
    dispute_type           TEXT NOT NULL,
    sub_type               TEXT,
    source                 TEXT NOT NULL,
    external_ref           TEXT,
    scale                  TEXT NOT NULL,
    people_count           INTEGER NOT NULL,
    amount_fen             INTEGER,
    facts                  TEXT NOT NULL,
    lon                    REAL,
    lat                    REAL,
    address                TEXT,
    -- The court, procuratorate, police station or petition office that referred it.
    referrer_department_id INTEGER REFERENCES departments (id),
    -- The event it was converted from.
    event_id               INTEGER REFERENCES cases (id),
    mediator_id            INTEGER REFERENCES users (id),
    agreement_kind         TEXT,
    agreement              TEXT,
    -- When mediation ended: succeeded 1 or 0 (调解不成), for the statistics by period.
    concluded_at           TEXT,
    succeeded              INTEGER,
    referred_to            TEXT,
    accident_number        TEXT,
    insurer                TEXT,
    liability_percent      INTEGER,
    -- Whether a court ruled on it (道交一体化: disputes entering litigation).
    litigated              INTEGER NOT NULL DEFAULT 0,
    -- What the successful mediation prevented: 民转刑 and 群体性上访 (the statistics count them).
    prevented_crime        INTEGER NOT NULL DEFAULT 0,
    prevented_petition     INTEGER NOT NULL DEFAULT 0,
    -- The 排查 campaign it was found in.
    screening_id           INTEGER REFERENCES dispute_screenings (id)
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
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    role         TEXT NOT NULL,
    name_sealed  BLOB NOT NULL,
    name_masked  TEXT NOT NULL,
    id_sealed    BLOB,
    id_index     TEXT,
    id_masked    TEXT,
    phone_sealed BLOB,
    phone_masked TEXT,
    credit_code  TEXT
);
CREATE INDEX dispute_parties_case ON dispute_parties (case_id);
CREATE INDEX dispute_parties_id ON dispute_parties (id_index);

CREATE TABLE dispute_sessions (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases (id),
    held_at       TEXT NOT NULL,
    place         TEXT,
    video_link    TEXT,
    attendees     TEXT NOT NULL,
    record        TEXT NOT NULL,
    mediator_id   INTEGER REFERENCES users (id),
    mediator_name TEXT NOT NULL
);
CREATE INDEX dispute_sessions_case ON dispute_sessions (case_id, id);

-- A dispute's case files include the photographed signed agreement (签字协议书): the stage check
-- widens (SQLite rebuilds the table to change a CHECK).
CREATE TABLE case_files_widened (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    timeline_id  INTEGER REFERENCES case_timeline (id),
    stage        TEXT NOT NULL CHECK (stage IN ('before', 'after', 'agreement')),
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    digest       TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL
);
INSERT INTO case_files_widened SELECT id, case_id, timeline_id, stage, file_name, content_type, size,
    digest, uploaded_by, uploaded_at FROM case_files;
DROP TABLE case_files;
ALTER TABLE case_files_widened RENAME TO case_files;
CREATE INDEX case_files_case ON case_files (case_id, id);

UPDATE roles SET permissions = permissions || ' register_disputes'
 WHERE builtin = 1 AND name IN ('commander', 'operator', 'grid_worker', 'handler', 'mediator');
UPDATE roles SET permissions = permissions || ' department_work' WHERE builtin = 1 AND name = 'mediator';
UPDATE roles SET permissions = permissions || ' manage_mediation' WHERE builtin = 1 AND name = 'commander';
