-- The security core: the hash-chained audit trail, login throttling, and accounts' sealed phones.

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user_id     INTEGER,
    username    TEXT NOT NULL,
    source_addr TEXT,
    action      TEXT NOT NULL,
    object      TEXT NOT NULL,
    result      TEXT NOT NULL,
    detail      TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_username ON audit_log (username);

CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start TEXT NOT NULL,
    locked_until TEXT
);

ALTER TABLE users ADD COLUMN phone_sealed BLOB;
ALTER TABLE users ADD COLUMN phone_index TEXT;
CREATE INDEX users_phone_index ON users (phone_index);

-- TOTP (RFC 6238): the sealed secret once confirmed, the one being enrolled, and the last time step
-- accepted, so that a code works only once.
ALTER TABLE users ADD COLUMN totp_sealed BLOB;
ALTER TABLE users ADD COLUMN totp_pending_sealed BLOB;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;

-- API tokens for integrations: shown once, stored as their SM3 digest, bound to an account and
-- optionally to a narrower org unit, revocable.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    org_code     TEXT NOT NULL REFERENCES org_units (code),
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
