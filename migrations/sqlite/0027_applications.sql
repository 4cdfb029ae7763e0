-- 政务服务下沉: the catalogue of services a village or community station takes in (shipped
-- reference data the district edits: a changed row is `customized` and a new shipped version
-- leaves its unit, limit, materials and online flag alone), and the application kind of case
-- (办件). An application's applicant is a `case_parties` row (role `applicant`: name, ID number
-- and phone sealed); what is missing (一次性告知) and the result (办结) are on its own row.
-- Residents sign in with their phone and a code sent by SMS: `sms_codes` keeps the code's
-- digest per phone (blind index), with its expiry and the wrong tries.

CREATE TABLE service_items (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    category    TEXT NOT NULL,
    unit        TEXT NOT NULL,
    limit_days  INTEGER NOT NULL CHECK (limit_days > 0),
    online_once INTEGER NOT NULL,
    -- 申请材料, one per line.
    materials   TEXT NOT NULL,
    -- Taken off the list by the district (办理中 applications keep it).
    active      INTEGER NOT NULL DEFAULT 1,
    version     TEXT NOT NULL,
    customized  INTEGER NOT NULL DEFAULT 0,
    retired_at  TEXT,
    updated_at  TEXT NOT NULL
);

CREATE TABLE applications (
    case_id      INTEGER PRIMARY KEY REFERENCES cases (id),
    client_id    TEXT NOT NULL UNIQUE,
    service_code TEXT NOT NULL REFERENCES service_items (code),
    channel      TEXT NOT NULL,
    -- 申请说明.
    note         TEXT NOT NULL,
    -- 一次性告知: everything missing, as the counter wrote it; cleared when accepted.
    missing      TEXT,
    -- 办理结果.
    result       TEXT,
    concluded_at TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX applications_service ON applications (service_code);
CREATE INDEX cases_reporter ON cases (reporter_id, id) WHERE reporter_id IS NOT NULL;

CREATE TABLE sms_codes (
    phone_index TEXT PRIMARY KEY,
    code_digest TEXT NOT NULL,
    sent_at     TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0
);

UPDATE roles SET permissions = permissions || ' apply_services'
 WHERE builtin = 1 AND name IN ('citizen', 'operator', 'commander');
UPDATE roles SET permissions = permissions || ' manage_services' WHERE builtin = 1 AND name = 'commander';

-- An application's case files are the photographed documents of the applicant (申请材料): the
-- stage check widens (SQLite rebuilds the table to change a CHECK).
CREATE TABLE case_files_widened (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    timeline_id  INTEGER REFERENCES case_timeline (id),
    stage        TEXT NOT NULL CHECK (stage IN ('before', 'after', 'agreement', 'material')),
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
