-- 平安创建: the units declared for a year's creation (平安乡镇, 平安村(社区), 平安校园, 平安医院,
-- 平安家庭, 平安示范点) with where each stands (申报 → 自评 → 乡镇考核 → 区复核 → 命名, 摘牌),
-- every assessment taken on one (the points per line of the checklist, the "六无" items broken at
-- the time, the assessor's remarks), and the district's checklist per kind (absent: the shipped one).
-- The "六无" itself is never stored: it is computed from the events, clues, petitions and special
-- groups of the area and year whenever it is asked (the category index below keeps that quick).

CREATE TABLE creation_units (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    year        INTEGER NOT NULL,
    -- 申报单位, e.g. 马房坝社区 or 通川区第一小学.
    name        TEXT NOT NULL,
    -- The area it is (a township or village code), or the grid it lies in.
    org_code    TEXT NOT NULL,
    place_id    INTEGER REFERENCES places (id),
    status      TEXT NOT NULL,
    -- The total of the latest scored assessment.
    score       INTEGER,
    named_on    TEXT,
    -- 命名文号, e.g. 通平安委〔2019〕3号.
    document_no TEXT,
    declared_by INTEGER NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (kind, year, org_code, name)
);
CREATE INDEX creation_units_org ON creation_units (org_code, id);

CREATE TABLE creation_assessments (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES creation_units (id),
    step         TEXT NOT NULL,
    passed       INTEGER NOT NULL,
    total        INTEGER,
    -- The checklist as scored: JSON [{"label", "points", "veto", "given"}].
    scores       TEXT,
    -- The "六无" items broken when it was taken: JSON ["no_homicide", …].
    six_none     TEXT,
    remarks      TEXT NOT NULL,
    status_after TEXT NOT NULL,
    by_user      INTEGER NOT NULL REFERENCES users (id),
    by_name      TEXT NOT NULL,
    at           TEXT NOT NULL
);
CREATE INDEX creation_assessments_unit ON creation_assessments (unit_id, id);

CREATE TABLE creation_checklists (
    kind       TEXT PRIMARY KEY,
    pass_mark  INTEGER NOT NULL,
    -- JSON [{"label", "points", "veto"}].
    items      TEXT NOT NULL,
    updated_by INTEGER NOT NULL REFERENCES users (id),
    updated_at TEXT NOT NULL
);

CREATE INDEX cases_category ON cases (kind, category, created_at);

UPDATE roles SET permissions = permissions || ' view_creation manage_creation'
 WHERE builtin = 1 AND name IN ('operator', 'commander');
UPDATE roles SET permissions = permissions || ' view_creation' WHERE builtin = 1 AND name = 'leader';
