-- 实有人口 (GB/T 31000-2015 §1.2–1.3): the persons of the grid registry. Name, ID number and phone
-- are sealed (SM4-GCM) and found through blind indexes (the name through the blind index of each two
-- characters of it); the screen gets the masked forms kept beside them. A person who moves out is
-- ended (ended_at), never deleted: one active row per ID number.

CREATE TABLE persons (
    id           INTEGER PRIMARY KEY,
    grid_code    TEXT NOT NULL,
    name_sealed  BLOB NOT NULL,
    name_masked  TEXT NOT NULL,
    id_sealed    BLOB NOT NULL,
    id_index     TEXT NOT NULL,
    id_masked    TEXT NOT NULL,
    phone_sealed BLOB,
    phone_index  TEXT,
    phone_masked TEXT,
    sex          TEXT NOT NULL,
    birth_date   TEXT NOT NULL,
    ethnicity    TEXT,
    address      TEXT NOT NULL,
    residence    TEXT NOT NULL,
    -- The blind index of the whole row as entered: an import of the same row changes nothing.
    row_digest   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    ended_at     TEXT,
    end_reason   TEXT
);
CREATE UNIQUE INDEX persons_active_id ON persons (id_index) WHERE ended_at IS NULL;
CREATE INDEX persons_grid ON persons (grid_code, id);
CREATE INDEX persons_phone ON persons (phone_index);

CREATE TABLE person_name_grams (
    gram      TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES persons (id),
    PRIMARY KEY (gram, person_id)
);
CREATE INDEX person_name_grams_person ON person_name_grams (person_id);

-- The two-character pieces of each address (plain: an address is not an identifier), so that a
-- search for part of an address does not read every person.
CREATE TABLE person_address_grams (
    gram      TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES persons (id),
    PRIMARY KEY (gram, person_id)
);
CREATE INDEX person_address_grams_person ON person_address_grams (person_id);
