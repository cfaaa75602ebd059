-- Accounts: the number is the primary key; head_seq is the newest seq of the user's mailbox.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    head_seq      INTEGER NOT NULL DEFAULT 0,
    created_at_ms INTEGER NOT NULL
);

-- The mailbox (timeline) of each user: dense per-user seq 1, 2, 3, ...
-- It holds received messages and the user's own sent ones (so its other devices see them).
CREATE TABLE mailbox (
    user_id     INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    message_id  TEXT    NOT NULL,
    from_user   INTEGER NOT NULL,
    to_user     INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    sent_at_ms  INTEGER NOT NULL,
    failed      TEXT    NULL,
    PRIMARY KEY (user_id, seq)
);
-- Deliveries are idempotent by message id: one message lands in one mailbox at most once.
CREATE UNIQUE INDEX mailbox_message ON mailbox (user_id, message_id);

-- (sender, client_msg_id) -> the message it produced: a retried send returns the first result.
CREATE TABLE sent_index (
    sender        INTEGER NOT NULL,
    client_msg_id TEXT    NOT NULL,
    message_id    TEXT    NOT NULL,
    seq           INTEGER NOT NULL,
    sent_at_ms    INTEGER NOT NULL,
    PRIMARY KEY (sender, client_msg_id)
);

-- Messages committed here for users of other cells, until that cell acknowledges them.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    target_cell TEXT    NOT NULL,
    message_id  TEXT    NOT NULL,
    from_user   INTEGER NOT NULL,
    to_user     INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    sent_at_ms  INTEGER NOT NULL
);
CREATE INDEX outbox_target ON outbox (target_cell, id);

-- How far each device of a user has acknowledged its mailbox.
CREATE TABLE device_cursors (
    user_id       INTEGER NOT NULL,
    device_id     TEXT    NOT NULL,
    acked_seq     INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (user_id, device_id)
);
