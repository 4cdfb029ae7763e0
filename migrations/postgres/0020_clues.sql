-- 涉黑涉恶线索: the clue kind of case, kept apart. The informant's identity lives in its own table,
-- sealed, read only to reveal it (线索管理, with a reason, audited); nothing else joins it. A clue's
-- lookup code is kept only as a blind index. The built-in role 扫黑办线索管理员 holds 线索管理; no other
-- role does.

CREATE TABLE clues (
    case_id       BIGINT PRIMARY KEY REFERENCES cases (id),
    client_id     TEXT NOT NULL UNIQUE,
    -- Blind index of the code the informant keeps to look the result up.
    code_index    TEXT NOT NULL UNIQUE,
    source        TEXT NOT NULL,
    external_ref  TEXT,
    content       TEXT NOT NULL,
    -- The people and organisations the report names.
    named         TEXT NOT NULL,
    anonymous     BOOLEAN NOT NULL,
    grade         TEXT,
    result        TEXT,
    cases_opened  BIGINT NOT NULL DEFAULT 0,
    people_involved BIGINT NOT NULL DEFAULT 0,
    assets_fen    BIGINT NOT NULL DEFAULT 0,
    -- 一案三查 marks, space-separated (umbrella, dereliction).
    marks         TEXT NOT NULL DEFAULT '',
    feedback      TEXT,
    feedback_at   TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE clue_informants (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id       BIGINT NOT NULL UNIQUE REFERENCES clues (case_id),
    name_sealed   BYTEA,
    phone_sealed  BYTEA,
    id_sealed     BYTEA,
    -- How they want to be reached (an address, a time), sealed.
    contact_sealed BYTEA
);

INSERT INTO roles (name, label, permissions, builtin, updated_at)
VALUES ('clue_officer', '扫黑办线索管理员', 'view_org manage_clues supervise_cases', TRUE,
        now());
