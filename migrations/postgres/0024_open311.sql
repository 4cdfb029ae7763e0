-- Open311 GeoReport v2: the events that came in through the Open311 interface, with what the
-- specification carries beside the event itself. Only these events are answered by the public
-- `GET /open311/v2/requests`; the reporter's name, phone and e-mail are sealed (SM4) and shown to
-- the hub masked.

CREATE TABLE open311_requests (
    case_id        BIGINT PRIMARY KEY REFERENCES cases (id),
    -- The account the integrator's api_key belongs to.
    integrator_id  BIGINT NOT NULL REFERENCES users (id),
    media_url      TEXT,
    -- JSON {first_name, last_name, phone, email}, sealed; absent when the request named no one.
    contact_sealed BYTEA,
    account_id     TEXT,
    device_id      TEXT
);

CREATE INDEX open311_requests_integrator ON open311_requests (integrator_id, case_id);
