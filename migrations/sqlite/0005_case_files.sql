-- Photos of a case (现场照片, 处置前/处置后): the file lies in the files folder under its SM3 digest;
-- the row says which case, which stage, who and when, and the timeline entry that recorded it.

CREATE TABLE case_files (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    timeline_id  INTEGER REFERENCES case_timeline (id),
    stage        TEXT NOT NULL CHECK (stage IN ('before', 'after')),
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    digest       TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL
);
CREATE INDEX case_files_case ON case_files (case_id, id);
