-- 信访: the petition kind of case, the lawyers who advise on or represent in petitions, and the
-- permissions of the default roles. The parties of every kind share one table: the dispute
-- parties' table becomes case_parties (a petition's 信访人 and 代表人 are sealed the same way).

ALTER TABLE dispute_parties RENAME TO case_parties;

-- 律师名录: the district's lawyers and 法律顾问; one with an account sees the petitions assigned
-- to them.
CREATE TABLE lawyers (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    firm           TEXT NOT NULL,
    -- 律师执业证号 (17 digits), unique.
    licence_number TEXT NOT NULL UNIQUE,
    -- Where they serve (the district, or a township whose villages they advise).
    org_code       TEXT NOT NULL REFERENCES org_units (code),
    -- 法律顾问 of the district government or of a village.
    legal_adviser  INTEGER NOT NULL DEFAULT 0,
    user_id        INTEGER UNIQUE REFERENCES users (id),
    created_at     TEXT NOT NULL
);

CREATE TABLE petitions (
    case_id          INTEGER PRIMARY KEY REFERENCES cases (id),
    client_id        TEXT NOT NULL UNIQUE,
    -- Copies of the case's place and day of registration, for the statistics' index.
    org_code         TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    channel          TEXT NOT NULL,
    class            TEXT NOT NULL,
    content          TEXT NOT NULL,
    requests         TEXT NOT NULL,
    people_count     INTEGER NOT NULL,
    collective       INTEGER NOT NULL,
    -- 12345 工单号 or the number the higher office gave it.
    external_ref     TEXT,
    lon              REAL,
    lat              REAL,
    address          TEXT,
    -- 重复信访: the earlier petition by the same person or on the same matter.
    repeat_of        INTEGER REFERENCES cases (id),
    -- 越级: brought to the district first.
    skipped_level    INTEGER NOT NULL DEFAULT 0,
    refusal_ground   TEXT,
    accepted_at      TEXT,
    -- 按期受理 / 按期办结: whether the step ended before its deadline (kept when it ended).
    accepted_on_time INTEGER,
    extended_days    INTEGER NOT NULL DEFAULT 0,
    outcome          TEXT,
    replied_at       TEXT,
    replied_on_time  INTEGER,
    served_at        TEXT,
    review_outcome   TEXT,
    recheck_outcome  TEXT,
    -- A 听证 under way since, and the days of those held (not counted in 复核).
    hearing_since    TEXT,
    hearing_days     INTEGER NOT NULL DEFAULT 0,
    -- 领导包案: the leader and the plan.
    leader_id        INTEGER REFERENCES users (id),
    leader_plan      TEXT,
    lawyer_id        INTEGER REFERENCES lawyers (id),
    lawyer_role      TEXT,
    -- 访调对接: the dispute it went to mediation as.
    dispute_id       INTEGER REFERENCES cases (id),
    rating           TEXT
);
CREATE INDEX petitions_stats ON petitions
    (created_at, org_code, collective, skipped_level, accepted_on_time, replied_on_time, rating);
CREATE INDEX petitions_matter ON petitions (org_code, created_at);
CREATE INDEX petitions_repeat ON petitions (repeat_of);
CREATE INDEX petitions_leader ON petitions (leader_id, case_id);
CREATE INDEX petitions_lawyer ON petitions (lawyer_id, case_id);
CREATE INDEX petitions_dispute ON petitions (dispute_id);

INSERT INTO roles (name, label, permissions, builtin, updated_at)
VALUES ('lawyer', '律师', 'view_org advise_petitions', 1, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'));
UPDATE roles SET permissions = permissions || ' register_petitions'
 WHERE builtin = 1 AND name IN ('commander', 'operator');
UPDATE roles SET permissions = permissions || ' manage_lawyers' WHERE builtin = 1 AND name = 'commander';
