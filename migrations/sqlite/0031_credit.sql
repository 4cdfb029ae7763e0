-- 联合信用惩戒: the court's 失信被执行人 list and its 拒执 cases, imported by the district and kept
-- current (listed, lifted); member units check a person or an organisation against it and record
-- the joint-discipline measures they took. Whom an entry is about is kept sealed, with a blind
-- index — for a person the same keyed SM3 as `persons.id_index`, so a registry page can flag its
-- person without unsealing anything. The built-in role 联合惩戒名单管理员 keeps the list; 信用核查
-- (held by the hubs and the departments) asks about one subject at a time and never lists.

CREATE TABLE credit_entries (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,
    -- 案号, brackets in one form: (2020)川1702执1234号.
    case_number    TEXT NOT NULL,
    subject_kind   TEXT NOT NULL,
    subject_index  TEXT NOT NULL,
    subject_sealed BLOB NOT NULL,
    name_sealed    BLOB NOT NULL,
    court          TEXT NOT NULL,
    amount_fen     INTEGER,
    -- Restriction codes separated by spaces.
    restrictions   TEXT NOT NULL,
    listed_on      TEXT NOT NULL,
    lifted_on      TEXT,
    lift_reason    TEXT,
    -- The unit that imported it (its scope keeps it).
    org_code       TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (case_number, subject_index)
);
CREATE INDEX credit_entries_subject ON credit_entries (subject_index);
CREATE INDEX credit_entries_listed ON credit_entries (org_code, listed_on);

CREATE TABLE credit_measures (
    id            INTEGER PRIMARY KEY,
    entry_id      INTEGER NOT NULL REFERENCES credit_entries (id),
    -- The member unit: a department, or the hub of an org unit.
    department_id INTEGER REFERENCES departments (id),
    org_code      TEXT NOT NULL,
    measure       TEXT NOT NULL,
    note          TEXT NOT NULL,
    taken_on      TEXT NOT NULL,
    recorded_by   INTEGER NOT NULL REFERENCES users (id),
    created_at    TEXT NOT NULL
);
CREATE INDEX credit_measures_entry ON credit_measures (entry_id);

INSERT INTO roles (name, label, permissions, builtin, updated_at)
VALUES ('credit_officer', '联合惩戒名单管理员', 'view_org manage_credit_list check_credit', 1,
        strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'));
UPDATE roles SET permissions = permissions || ' check_credit'
 WHERE builtin = 1 AND name IN ('operator', 'commander', 'handler');
