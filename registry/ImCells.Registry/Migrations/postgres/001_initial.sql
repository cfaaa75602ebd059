-- The schema of a cell on PostgreSQL: the same tables, columns and keys as SQLite's scripts 001-003,
-- with 64-bit integers throughout (user numbers, seqs, Unix milliseconds) and an identity column for
-- the outbox (ids only grow in commit order: the cell has one writer).
-- Accounts: the number is the primary key; head_seq is the newest seq of the user's mailbox.
CREATE TABLE users (
    id            BIGINT PRIMARY KEY,
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    head_seq      BIGINT NOT NULL DEFAULT 0,
    read_receipts BIGINT NOT NULL DEFAULT 1,
    created_at_ms BIGINT NOT NULL,
    -- profile
    nickname           TEXT    NOT NULL DEFAULT '',
    avatar_url         TEXT    NOT NULL DEFAULT '',
    status_text        TEXT    NOT NULL DEFAULT '',
    details            TEXT    NOT NULL DEFAULT '{}',
    profile_updated_ms BIGINT NOT NULL DEFAULT 0,
    -- privacy and presence
    only_friends  BIGINT NOT NULL DEFAULT 0,
    last_seen_ms  BIGINT NOT NULL DEFAULT 0
);

-- The mailbox (timeline) of each user: dense per-user seq 1, 2, 3, ...
-- It holds received messages and the user's own sent ones (so its other devices see them).
CREATE TABLE mailbox (
    user_id     BIGINT NOT NULL,
    seq         BIGINT NOT NULL,
    message_id  TEXT    NOT NULL,
    from_user   BIGINT NOT NULL,
    to_user     BIGINT NOT NULL,
    -- the other party: from_user for a received message, to_user for a sent one
    peer        BIGINT NOT NULL,
    text        TEXT    NOT NULL,
    sent_at_ms  BIGINT NOT NULL,
    failed      TEXT    NULL,
    PRIMARY KEY (user_id, seq)
);
-- Deliveries are idempotent by message id: one message lands in one mailbox at most once.
CREATE UNIQUE INDEX mailbox_message ON mailbox (user_id, message_id);
-- History and unread counts page one conversation.
CREATE INDEX mailbox_conversation ON mailbox (user_id, peer, seq);

-- One row per (user, peer): the newest seq, how far the user has read, and the unread count.
CREATE TABLE conversations (
    user_id  BIGINT NOT NULL,
    peer     BIGINT NOT NULL,
    last_seq BIGINT NOT NULL,
    read_seq BIGINT NOT NULL DEFAULT 0,
    unread   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, peer)
);
CREATE INDEX conversations_recent ON conversations (user_id, last_seq);

-- Messages to send later, from a user of this cell; fired through the normal send path.
CREATE TABLE scheduled (
    id            TEXT    PRIMARY KEY,
    sender        BIGINT NOT NULL,
    to_user       BIGINT NOT NULL,
    text          TEXT    NOT NULL,
    client_msg_id TEXT    NOT NULL,
    deliver_at_ms BIGINT NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'pending'  -- pending | fired | cancelled
);
CREATE UNIQUE INDEX scheduled_client ON scheduled (sender, client_msg_id);
CREATE INDEX scheduled_due ON scheduled (status, deliver_at_ms);

-- (sender, client_msg_id) -> the message it produced: a retried send returns the first result.
CREATE TABLE sent_index (
    sender        BIGINT NOT NULL,
    client_msg_id TEXT    NOT NULL,
    message_id    TEXT    NOT NULL,
    seq           BIGINT NOT NULL,
    sent_at_ms    BIGINT NOT NULL,
    PRIMARY KEY (sender, client_msg_id)
);

-- Messages committed here for users of other cells, until that cell acknowledges them.
CREATE TABLE outbox (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    target_cell TEXT    NOT NULL,
    message_id  TEXT    NOT NULL,
    from_user   BIGINT NOT NULL,
    to_user     BIGINT NOT NULL,
    text        TEXT    NOT NULL,
    sent_at_ms  BIGINT NOT NULL
);
CREATE INDEX outbox_target ON outbox (target_cell, id);

-- How far each device of a user has acknowledged its mailbox.
CREATE TABLE device_cursors (
    user_id       BIGINT NOT NULL,
    device_id     TEXT    NOT NULL,
    acked_seq     BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (user_id, device_id)
);

-- Friends, kept on both sides in each user's own HLR; nickname as it was when they became friends.
CREATE TABLE friends (
    user_id   BIGINT NOT NULL,
    friend_id BIGINT NOT NULL,
    nickname  TEXT    NOT NULL,
    since_ms  BIGINT NOT NULL,
    PRIMARY KEY (user_id, friend_id)
);

-- Pending friend requests: 'in' at the recipient's HLR, 'out' at the sender's.
CREATE TABLE friend_requests (
    user_id       BIGINT NOT NULL,
    other_id      BIGINT NOT NULL,
    direction     TEXT    NOT NULL,
    nickname      TEXT    NOT NULL,
    message       TEXT    NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (user_id, other_id, direction)
);

CREATE TABLE blacklist (
    user_id    BIGINT NOT NULL,
    blocked_id BIGINT NOT NULL,
    since_ms   BIGINT NOT NULL,
    PRIMARY KEY (user_id, blocked_id)
);

-- Which cells cached a user of this cell in their VLR: they are told when the profile changes.
CREATE TABLE profile_watchers (
    user_id BIGINT NOT NULL,
    cell    TEXT    NOT NULL,
    PRIMARY KEY (user_id, cell)
);

-- Where this cell's users are attached in other cells (roaming): one row per device.
CREATE TABLE locations (
    user_id       BIGINT NOT NULL,
    device_id     TEXT    NOT NULL,
    serving_cell  TEXT    NOT NULL,
    chat_endpoint TEXT    NOT NULL,
    since_ms      BIGINT NOT NULL,
    PRIMARY KEY (user_id, device_id)
);

-- Logouts: a token of this user issued at or before revoked_at_ms for this device ('*': every
-- device) is refused. Rows older than the longest token age are dropped at start.
CREATE TABLE token_revocations (
    user_id       BIGINT NOT NULL,
    device_id     TEXT    NOT NULL,
    revoked_at_ms BIGINT NOT NULL,
    PRIMARY KEY (user_id, device_id)
);

-- Failed logins per number (known or not), shared by every login server: how many in a row, until
-- when the number is locked, and the last failure (state older than the memory window is forgotten).
-- A success deletes the row; rows idle longer than the memory window are purged.
CREATE TABLE login_failures (
    user_id         BIGINT PRIMARY KEY,
    failures        BIGINT NOT NULL,
    locked_until_ms BIGINT NOT NULL,
    last_failure_ms BIGINT NOT NULL
);

CREATE INDEX login_failures_last ON login_failures (last_failure_ms);

-- Registrations made with a client request id, so a retried registration returns the first number.
-- name is the name registered then (the user may rename later). Purged after Accounts:RequestIdHours.
CREATE TABLE registration_requests (
    request_id    TEXT    PRIMARY KEY,
    user_id       BIGINT NOT NULL,
    name          TEXT    NOT NULL,
    created_at_ms BIGINT NOT NULL
);

CREATE INDEX registration_requests_created ON registration_requests (created_at_ms);

