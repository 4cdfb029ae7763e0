-- The case engine (one table of cases, one timeline of actions, the departments on each case)
-- and its first kind, the event: categories with their limits, routing rules, event details.

CREATE TABLE event_categories (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    parent_code     TEXT,
    family          TEXT NOT NULL,
    handling_amount BIGINT NOT NULL CHECK (handling_amount > 0),
    handling_unit   TEXT NOT NULL,
    department_kind TEXT,
    version         TEXT NOT NULL,
    customized      BOOLEAN NOT NULL DEFAULT FALSE,
    retired_at      TIMESTAMPTZ
);

CREATE TABLE routing_rules (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category_prefix TEXT NOT NULL,
    area_prefix     TEXT NOT NULL,
    owner_org       TEXT NOT NULL REFERENCES org_units (code),
    department_id   BIGINT REFERENCES departments (id),
    created_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE cases (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            TEXT NOT NULL,
    title           TEXT NOT NULL,
    state           TEXT NOT NULL,
    org_code        TEXT NOT NULL,
    owner_org       TEXT NOT NULL,
    department_id   BIGINT REFERENCES departments (id),
    reporter_id     BIGINT REFERENCES users (id),
    version         BIGINT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    step_started_at TIMESTAMPTZ NOT NULL,
    yellow_at       TIMESTAMPTZ,
    deadline        TIMESTAMPTZ,
    alert           TEXT NOT NULL DEFAULT 'normal',
    open            BOOLEAN NOT NULL,
    supervised      BOOLEAN NOT NULL DEFAULT FALSE,
    extension_days  BIGINT,
    handling_amount BIGINT NOT NULL,
    handling_unit   TEXT NOT NULL,
    merged_into     BIGINT REFERENCES cases (id),
    rating          TEXT
);
CREATE INDEX cases_org ON cases (org_code, id);
CREATE INDEX cases_department ON cases (department_id);
CREATE INDEX cases_clock ON cases (open, alert, yellow_at);

CREATE TABLE case_departments (
    case_id       BIGINT NOT NULL REFERENCES cases (id),
    department_id BIGINT NOT NULL REFERENCES departments (id),
    lead          BOOLEAN NOT NULL,
    PRIMARY KEY (case_id, department_id)
);
CREATE INDEX case_departments_department ON case_departments (department_id, case_id);

CREATE TABLE case_timeline (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id    BIGINT NOT NULL REFERENCES cases (id),
    at         TIMESTAMPTZ NOT NULL,
    action     TEXT NOT NULL,
    actor_id   BIGINT,
    actor_name TEXT NOT NULL,
    actor_org  TEXT,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    comment    TEXT,
    detail     TEXT NOT NULL
);
CREATE INDEX case_timeline_case ON case_timeline (case_id, id);

CREATE TABLE events (
    case_id       BIGINT PRIMARY KEY REFERENCES cases (id),
    client_id     TEXT NOT NULL UNIQUE,
    channel       TEXT NOT NULL,
    category_code TEXT NOT NULL REFERENCES event_categories (code),
    description   TEXT NOT NULL,
    lon           DOUBLE PRECISION,
    lat           DOUBLE PRECISION,
    address       TEXT,
    self_resolved BOOLEAN NOT NULL
);
CREATE INDEX events_place ON events (category_code, lat, lon);
