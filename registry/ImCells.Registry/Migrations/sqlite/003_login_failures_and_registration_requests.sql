-- Failed logins per number (known or not), shared by every login server: how many in a row, until
-- when the number is locked, and the last failure (state older than the memory window is forgotten).
-- A success deletes the row; rows idle longer than the memory window are purged.
CREATE TABLE login_failures (
    user_id         INTEGER PRIMARY KEY,
    failures        INTEGER NOT NULL,
    locked_until_ms INTEGER NOT NULL,
    last_failure_ms INTEGER NOT NULL
);

CREATE INDEX login_failures_last ON login_failures (last_failure_ms);

-- Registrations made with a client request id, so a retried registration returns the first number.
-- name is the name registered then (the user may rename later). Purged after Accounts:RequestIdHours.
CREATE TABLE registration_requests (
    request_id    TEXT    PRIMARY KEY,
    user_id       INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL
);

CREATE INDEX registration_requests_created ON registration_requests (created_at_ms);
