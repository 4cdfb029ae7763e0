-- 特殊人群 and 重点青少年 (GB/T 31000-2015 §1.4–1.5), their visiting rules and the visits
-- (入户走访) grid workers record. A member who leaves a group is ended, never deleted. The
-- extension facts of a membership and a visit's notes are sealed (SM4-GCM): they say why a person
-- is watched.

CREATE TABLE special_group_members (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES persons (id),
    group_code   TEXT NOT NULL,
    -- 危险性评估等级 / 关注等级, 0–5.
    risk_level   INTEGER,
    facts_sealed BLOB,
    enrolled_on  TEXT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    ended_at     TEXT,
    end_reason   TEXT
);
CREATE UNIQUE INDEX special_group_members_active
    ON special_group_members (person_id, group_code) WHERE ended_at IS NULL;
CREATE INDEX special_group_members_group ON special_group_members (group_code, person_id);

-- 走访频次: empty means the built-in rules; a commander's change writes the whole set.
CREATE TABLE visit_policies (
    group_code TEXT NOT NULL,
    min_risk   INTEGER NOT NULL,
    every_days INTEGER NOT NULL,
    PRIMARY KEY (group_code, min_risk)
);

CREATE TABLE visits (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES persons (id),
    visitor_id   INTEGER NOT NULL REFERENCES users (id),
    visited_at   TEXT NOT NULL,
    lat          REAL,
    lon          REAL,
    notes_sealed BLOB NOT NULL,
    temperature  REAL,
    symptoms     TEXT,
    -- Chosen by the phone for each entry it keeps offline: a resend is the same visit.
    client_id   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL
);
CREATE INDEX visits_person ON visits (person_id, visited_at);
CREATE INDEX visits_visitor ON visits (visitor_id, visited_at);

-- Photos of a visit: the bytes in the files folder under their SM3 digest, as case photos.
CREATE TABLE visit_photos (
    id           INTEGER PRIMARY KEY,
    visit_id     INTEGER NOT NULL REFERENCES visits (id),
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    digest       TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL
);
CREATE INDEX visit_photos_visit ON visit_photos (visit_id, id);
