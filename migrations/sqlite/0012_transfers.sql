-- 迁移申请: a resident registered in one township is moved to a grid of another only when the
-- township that has them agrees. The receiving township asks (by ID number); the giving township
-- sees the request and approves or rejects it; both see its state. An import or form never moves
-- a resident across a scope boundary by itself.

CREATE TABLE transfer_requests (
    id                INTEGER PRIMARY KEY,
    person_id         INTEGER NOT NULL REFERENCES persons (id),
    from_grid         TEXT NOT NULL,
    to_grid           TEXT NOT NULL,
    reason            TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
    requested_by      INTEGER NOT NULL REFERENCES users (id),
    requested_by_name TEXT NOT NULL,
    requested_at      TEXT NOT NULL,
    decided_by_name   TEXT,
    decided_at        TEXT,
    decision_note     TEXT
);
CREATE INDEX transfer_requests_from ON transfer_requests (from_grid, state);
CREATE INDEX transfer_requests_to ON transfer_requests (to_grid, state);
-- One open request a person at a time.
CREATE UNIQUE INDEX transfer_requests_pending ON transfer_requests (person_id)
    WHERE state = 'pending';
