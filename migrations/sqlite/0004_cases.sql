-- The case engine (one table of cases, one timeline of actions, the departments on each case)
-- and its first kind, the event: categories with their limits, routing rules, event details.

CREATE TABLE event_categories (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    parent_code     TEXT,
    family          TEXT NOT NULL,
    handling_amount INTEGER NOT NULL CHECK (handling_amount > 0),
    handling_unit   TEXT NOT NULL,
    department_kind TEXT,
    version         TEXT NOT NULL,
    customized      INTEGER NOT NULL DEFAULT 0,
    retired_at      TEXT
);

CREATE TABLE routing_rules (
    id              INTEGER PRIMARY KEY,
    category_prefix TEXT NOT NULL,
    area_prefix     TEXT NOT NULL,
    owner_org       TEXT NOT NULL REFERENCES org_units (code),
    department_id   INTEGER REFERENCES departments (id),
    created_at      TEXT NOT NULL
);

CREATE TABLE cases (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    title           TEXT NOT NULL,
    state           TEXT NOT NULL,
    org_code        TEXT NOT NULL,
    owner_org       TEXT NOT NULL,
    department_id   INTEGER REFERENCES departments (id),
    reporter_id     INTEGER REFERENCES users (id),
    version         INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    step_started_at TEXT NOT NULL,
    yellow_at       TEXT,
    deadline        TEXT,
    alert           TEXT NOT NULL DEFAULT 'normal',
    open            INTEGER NOT NULL,
    supervised      INTEGER NOT NULL DEFAULT 0,
    extension_days  INTEGER,
    handling_amount INTEGER NOT NULL,
    handling_unit   TEXT NOT NULL,
    merged_into     INTEGER REFERENCES cases (id),
    rating          TEXT
);
CREATE INDEX cases_org ON cases (org_code, id);
CREATE INDEX cases_department ON cases (department_id);
CREATE INDEX cases_clock ON cases (open, alert, yellow_at);

CREATE TABLE case_departments (
    case_id       INTEGER NOT NULL REFERENCES cases (id),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    lead          INTEGER NOT NULL,
    PRIMARY KEY (case_id, department_id)
);
CREATE INDEX case_departments_department ON case_departments (department_id, case_id);

CREATE TABLE case_timeline (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    at         TEXT NOT NULL,
    action     TEXT NOT NULL,
    actor_id   INTEGER,
    actor_name TEXT NOT NULL,
    actor_org  TEXT,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    comment    TEXT,
    detail     TEXT NOT NULL
);
CREATE INDEX case_timeline_case ON case_timeline (case_id, id);

CREATE TABLE events (
    case_id       INTEGER PRIMARY KEY REFERENCES cases (id),
    client_id     TEXT NOT NULL UNIQUE,
    channel       TEXT NOT NULL,
    category_code TEXT NOT NULL REFERENCES event_categories (code),
    description   TEXT NOT NULL,
    lon           REAL,
    lat           REAL,
    address       TEXT,
    self_resolved INTEGER NOT NULL
);
CREATE INDEX events_place ON events (category_code, lat, lon);
