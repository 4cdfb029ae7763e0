-- 户 (GB/T 31000-2015 §1.3): persons with the same 户号 in a grid form a household, each with
-- their relation to its head (与户主关系, GB/T 4761). A household whose members all moved out is
-- ended, never deleted: one active household per 户号 and grid.

CREATE TABLE households (
    id           INTEGER PRIMARY KEY,
    grid_code    TEXT NOT NULL,
    household_no TEXT NOT NULL,
    address      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    ended_at     TEXT
);
CREATE UNIQUE INDEX households_active_no ON households (grid_code, household_no)
    WHERE ended_at IS NULL;

ALTER TABLE persons ADD COLUMN household_id INTEGER REFERENCES households (id);
ALTER TABLE persons ADD COLUMN relation TEXT;
CREATE INDEX persons_household ON persons (household_id);

-- 人员标签 (独居老人, 残疾人, 低保对象 …): what a grid keeps an eye on beyond the special groups.
CREATE TABLE person_tags (
    person_id  INTEGER NOT NULL REFERENCES persons (id),
    tag        TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (person_id, tag)
);
CREATE INDEX person_tags_tag ON person_tags (tag, person_id);
