-- 地址分片 — the two-character pieces of each address kept once per address, not once per person:
-- a household's members share one address, and the district's 905,678 persons live at 299,269.
-- On the full demo the per-person pieces were 11.6 million rows and 550 MB of 1.6 GB (SQLite).
CREATE TABLE addresses (
    id      BIGSERIAL PRIMARY KEY,
    address TEXT NOT NULL UNIQUE
);

-- No foreign key, as the name pieces (0010): an index the store keeps in step. A piece is its
-- UTF-8 bytes, as a name piece is its blind index's bytes.
CREATE TABLE address_grams (
    gram       BYTEA NOT NULL,
    address_id BIGINT NOT NULL,
    PRIMARY KEY (gram, address_id)
);

INSERT INTO addresses (address) SELECT DISTINCT address FROM persons;
ALTER TABLE persons ADD COLUMN address_id BIGINT REFERENCES addresses (id);
UPDATE persons p SET address_id = a.id FROM addresses a WHERE a.address = p.address;
INSERT INTO address_grams (gram, address_id)
    SELECT DISTINCT convert_to(g.gram, 'UTF8'), p.address_id
    FROM person_address_grams g JOIN persons p ON p.id = g.person_id;
DROP TABLE person_address_grams;
CREATE INDEX persons_address ON persons (address_id);

-- 盲索引 — blind indexes as their 32 bytes, not 64 hex digits (the services still pass hex; the
-- store converts).
ALTER TABLE persons
    ALTER COLUMN id_index TYPE BYTEA USING decode(id_index, 'hex'),
    ALTER COLUMN phone_index TYPE BYTEA USING decode(phone_index, 'hex'),
    ALTER COLUMN row_digest TYPE BYTEA USING decode(row_digest, 'hex');
ALTER TABLE person_name_grams ALTER COLUMN gram TYPE BYTEA USING decode(gram, 'hex');
