-- Logouts: a token of this user issued at or before revoked_at_ms for this device ('*': every
-- device) is refused. Rows older than the longest token age are dropped at start.
CREATE TABLE token_revocations (
    user_id       INTEGER NOT NULL,
    device_id     TEXT    NOT NULL,
    revoked_at_ms INTEGER NOT NULL,
    PRIMARY KEY (user_id, device_id)
);
