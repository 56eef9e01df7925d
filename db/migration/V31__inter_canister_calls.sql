-- Inter-canister calls: a transactional outbox. An execution's state, the calls it made (their callbacks and
-- request messages), the responses it produced and the messages it consumed are written in one transaction, so a
-- crash at any point redelivers rather than loses, and nothing is consumed twice (see state.Mailbox).

-- A call context: one message a canister is handling (an ingress update or another canister's request) while
-- calls it made are outstanding. Its answer goes back to its origin: a tracked ingress call, or the calling
-- canister's callback. It closes when no callback is left; if it was never answered, the origin gets the
-- spec's CANISTER_ERROR reject.
CREATE TABLE call_contexts (
    canister_id      text        NOT NULL REFERENCES canisters (id) ON DELETE CASCADE,
    id               bigserial,
    ingress_call_id  uuid,                 -- the tracked ingress call answered through it (null: none, or a call)
    origin_canister  text,                 -- an inter-canister call: the caller and the callback that awaits it
    origin_callback  bigint,
    answered         boolean     NOT NULL DEFAULT false,
    cycles_refund    numeric(39, 0) NOT NULL DEFAULT 0,  -- what its call carried and it did not accept: goes back
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (canister_id, id)
);

-- A call a canister made and awaits: the table functions (with their env) that run on its response.
CREATE TABLE callbacks (
    canister_id  text    NOT NULL,
    id           bigserial,
    context_id   bigint  NOT NULL,
    reply_fun    bigint  NOT NULL,
    reply_env    bigint  NOT NULL,
    reject_fun   bigint  NOT NULL,
    reject_env   bigint  NOT NULL,
    cleanup_fun  bigint,
    cleanup_env  bigint,
    deadline     bigint  NOT NULL DEFAULT 0,  -- a best-effort call's (ns since the epoch); 0: none, or expired
    PRIMARY KEY (canister_id, id),
    FOREIGN KEY (canister_id, context_id) REFERENCES call_contexts (canister_id, id) ON DELETE CASCADE
);
CREATE INDEX callbacks_context ON callbacks (canister_id, context_id);
CREATE INDEX callbacks_deadline ON callbacks (deadline) WHERE deadline > 0;

-- Messages in flight, consumed (deleted) by the commit of the execution that handles them. The target need
-- not exist: a request to an unknown canister is answered with DESTINATION_INVALID.
CREATE TABLE messages (
    target          text           NOT NULL,
    id              bigserial,
    kind            text           NOT NULL CHECK (kind IN ('request', 'response')),
    sender          text           NOT NULL,
    callback_id     bigint         NOT NULL,   -- a request: the sender's callback; a response: the target's
    method          text,                      -- a request's method
    payload         bytea,                     -- a request's argument, a reply's data (null for a reject)
    reject_code     integer,
    reject_message  text,
    cycles          numeric(39, 0) NOT NULL DEFAULT 0,
    deadline        bigint         NOT NULL DEFAULT 0,   -- a best-effort request's (its msg_deadline)
    created_at      timestamptz    NOT NULL DEFAULT now(),
    PRIMARY KEY (target, id)
);

-- A tracked ingress call awaiting the calls it made is applied, not abandoned at a restart (call.CallJournal).
CREATE INDEX call_contexts_ingress_call ON call_contexts (ingress_call_id) WHERE ingress_call_id IS NOT NULL;
