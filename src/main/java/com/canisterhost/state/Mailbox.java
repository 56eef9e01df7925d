package com.canisterhost.state;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Inter-canister messages, their callbacks and call contexts in PostgreSQL: the transactional outbox. What one
 * execution did to them ({@link Outbox}) is written in the transaction that commits its state, or alone when it
 * commits none (a trapped request still consumes its message and answers it). The {@link StateStore} owns it.
 */
public final class Mailbox {

    /** The reject code of a context that closed without an answer, and of a trap: {@code CANISTER_ERROR}. */
    public static final int CANISTER_ERROR = 5;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final StateStore stateStore;
    /** Outstanding calls by canister, as far as the commits since they were counted tell (estimateOutstandingCalls). */
    private final Map<String, Long> outstanding = new java.util.concurrent.ConcurrentHashMap<>();

    Mailbox(JdbcClient jdbc, TransactionTemplate transactions, StateStore stateStore) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.stateStore = stateStore;
    }

    /** A call an execution performed: where to, and which table functions run on its response. */
    public record Request(String target, String method, byte[] arg, BigInteger cycles, long replyFun, long replyEnv,
            long rejectFun, long rejectEnv, Long cleanupFun, Long cleanupEnv, long deadline) {}

    /**
     * An answer to a call context: a reply ({@code reply} not null) or a reject.
     *
     * @param rejectKind the execution's {@code RejectKind} name, for a tracked ingress call's record
     */
    public record Response(byte[] reply, int rejectCode, String rejectKind, String rejectMessage, BigInteger refund) {

        public static Response replied(byte[] reply) {
            return new Response(reply, 0, null, null, BigInteger.ZERO);
        }

        public static Response rejected(int code, String kind, String message) {
            return new Response(null, code, kind, message, BigInteger.ZERO);
        }

        /** The same answer, carrying back {@code cycles} that the callee did not accept. */
        public Response refunding(BigInteger cycles) {
            return new Response(reply, rejectCode, rejectKind, rejectMessage, cycles);
        }
    }

    /** Where a call context's answer goes: a tracked ingress call (or nowhere), or a caller's callback. */
    public record Origin(UUID ingressCallId, String canister, Long callback) {

        public static Origin ingress(UUID callId) {
            return new Origin(callId, null, null);
        }

        public static Origin call(String canister, long callback) {
            return new Origin(null, canister, callback);
        }
    }

    /**
     * What one execution did to the messaging state (mutable only in what it led to, once written).
     *
     * @param consumed the message it handled (a request or a response), or null for an ingress message
     * @param context the call context it ran in (a callback's), or null: one is opened if it made calls
     * @param origin for a new context (or an answer without one): where the answer goes
     * @param callback the callback that ran, now done, or null
     * @param answer the reply or reject it gave its context, or null
     * @param requests the calls it performed, in order
     * @param refund for a new context: the cycles its call carried that the callee did not accept, which go back
     *     with its answer whenever that comes
     */
    public static final class Outbox {
        final Long consumed;
        final Long context;
        final Origin origin;
        final Long callback;
        final Response answer;
        final List<Request> requests;
        final BigInteger refund;
        /** The canister whose message it consumes and whose answer it sends, if not the committing one. */
        final String from;
        /** Set once the outbox was written with a commit. */
        volatile Written written;

        public Outbox(Long consumed, Long context, Origin origin, Long callback, Response answer,
                List<Request> requests) {
            this(consumed, context, origin, callback, answer, requests, BigInteger.ZERO);
        }

        public Outbox(Long consumed, Long context, Origin origin, Long callback, Response answer,
                List<Request> requests, BigInteger refund) {
            this(null, consumed, context, origin, callback, answer, requests, refund);
        }

        private Outbox(String from, Long consumed, Long context, Origin origin, Long callback, Response answer,
                List<Request> requests, BigInteger refund) {
            this.from = from;
            this.refund = refund;
            this.consumed = consumed;
            this.context = context;
            this.origin = origin;
            this.callback = callback;
            this.answer = answer;
            this.requests = List.copyOf(requests);
        }

        /**
         * Consumes request {@code consumed} to canister {@code from} and answers it to {@code origin}, with the
         * {@code refund} of what it carried: for a request that another canister's commit handles (the management
         * canister's {@code install_code} commits the installed canister's state).
         */
        public static Outbox answering(String from, long consumed, Origin origin, Response answer,
                BigInteger refund) {
            return new Outbox(from, consumed, null, origin, null, answer, List.of(), refund);
        }

        /** What writing it led to; null if it was not written (or its commit's outcome was found only later). */
        public Written written() {
            return written;
        }
    }

    /**
     * What writing an outbox led to.
     *
     * @param targets the canister of each message written, in order (each has a message to deliver)
     * @param context the context the execution's calls belong to, or null
     * @param ingressAnswer the answer an earlier ingress call's context got (now, or as it closed unanswered),
     *     for whoever awaits it in memory; null if none
     * @param requests the requests it sent, as their targets will read them (each target is in {@code targets}
     *     too): a target may take them from here instead of reading them back
     */
    public record Written(List<String> targets, Long context, Response ingressAnswer, List<Pending> requests) {

        Written(List<String> targets, Long context, Response ingressAnswer) {
            this(targets, context, ingressAnswer, List.of());
        }
    }

    /** A message waiting for its target. */
    public record Pending(long id, String target, boolean request, String sender, long callbackId, String method,
            byte[] payload, Integer rejectCode, String rejectMessage, BigInteger cycles, Callback callback,
            long deadline, boolean more) {}

    /** A callback and whether its context was answered already. */
    public record Callback(long id, long context, long replyFun, long replyEnv, long rejectFun, long rejectEnv,
            Long cleanupFun, Long cleanupEnv, boolean contextAnswered) {}

    /**
     * The oldest message for {@code target}, if any (messages are consumed in the order they were sent), with the
     * callback a response is for (null if there is none any more: the canister was reinstalled meanwhile), and
     * whether another message waits behind it.
     */
    public Optional<Pending> next(String target) {
        return jdbc.sql("""
                        SELECT m.id, m.target, m.kind, m.sender, m.callback_id, m.method, m.payload, m.reject_code,
                               m.reject_message, m.cycles, b.id, b.context_id, b.reply_fun, b.reply_env,
                               b.reject_fun, b.reject_env, b.cleanup_fun, b.cleanup_env, c.answered, m.deadline,
                               EXISTS (SELECT 1 FROM messages n WHERE n.target = m.target AND n.id > m.id)
                          FROM messages m
                          LEFT JOIN callbacks b
                                 ON m.kind = 'response' AND b.canister_id = m.target AND b.id = m.callback_id
                          LEFT JOIN call_contexts c ON c.canister_id = b.canister_id AND c.id = b.context_id
                         WHERE m.target = ? ORDER BY m.id LIMIT 1""")
                .param(target)
                .query((rs, n) -> new Pending(rs.getLong(1), rs.getString(2), rs.getString(3).equals("request"),
                        rs.getString(4), rs.getLong(5), rs.getString(6), rs.getBytes(7),
                        (Integer) rs.getObject(8), rs.getString(9), rs.getBigDecimal(10).toBigIntegerExact(),
                        rs.getObject(11) == null ? null : new Callback(rs.getLong(11), rs.getLong(12),
                                rs.getLong(13), rs.getLong(14), rs.getLong(15), rs.getLong(16),
                                (Long) rs.getObject(17), (Long) rs.getObject(18), rs.getBoolean(19)),
                        rs.getLong(20), rs.getBoolean(21)))
                .optional();
    }

    /** Whether any message waits for {@code target}. */
    public boolean hasMessages(String target) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM messages WHERE target = ?)").param(target)
                .query(Boolean.class).single();
    }

    /** The canisters with messages waiting (after a restart, or when a delivery could not be queued). */
    public List<String> pendingTargets() {
        return jdbc.sql("SELECT DISTINCT target FROM messages").query(String.class).list();
    }

    /**
     * Best-effort calls whose deadline passed without a response: each gets a SYS_UNKNOWN reject (code 6) of its
     * own, once; a response that comes later finds its callback gone and is dropped. Returns the canisters that
     * have one to deliver.
     */
    public List<String> expire(long nowNanos) {
        return transactions.execute(status -> jdbc.sql("""
                        WITH expired AS (
                            UPDATE callbacks SET deadline = 0
                             WHERE deadline > 0 AND deadline < ?
                               AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.target = callbacks.canister_id
                                                  AND m.kind = 'response' AND m.callback_id = callbacks.id)
                            RETURNING canister_id, id)
                        INSERT INTO messages (target, kind, sender, callback_id, reject_code, reject_message)
                        SELECT canister_id, 'response', canister_id, id, 6,
                               'the best-effort call timed out before its response came' FROM expired
                        RETURNING target""")
                .param(nowNanos)
                .query(String.class).list());
    }

    /** Writes an outbox in a transaction of its own, for an execution that commits no state. */
    public Written writeAlone(String canisterId, Outbox outbox, long stateVersion, long instructions) {
        return transactions.execute(status -> write(canisterId, outbox, stateVersion, instructions));
    }

    /**
     * Writes an outbox; must run in the transaction that commits the execution's state (if any).
     *
     * @throws MessageConsumedException if the message it consumed is gone (it was handled already)
     */
    Written write(String committing, Outbox outbox, long stateVersion, long instructions) {
        String canisterId = outbox.from != null ? outbox.from : committing;
        Long context = outbox.context;
        Origin origin = outbox.origin;
        boolean answeredBefore = false;
        long othersOutstanding = 0;
        BigInteger refund = outbox.refund;
        if (context != null) {
            // a callback's execution, in one statement: consume its response, retire the callback, and read the
            // context's origin and what else it awaits (the deletions are not visible to the same statement)
            record ContextRow(long consumed, Origin origin, boolean answered, long others, BigInteger refund) {}
            long callback = outbox.callback != null ? outbox.callback : -1;
            // ... and close the context if it awaits nothing else and the execution made no call
            ContextRow row = jdbc.sql("""
                            WITH consumed AS (DELETE FROM messages WHERE target = ? AND id = ? RETURNING 1),
                                 done AS (DELETE FROM callbacks WHERE canister_id = ? AND id = ?),
                                 closed AS (DELETE FROM call_contexts x WHERE x.canister_id = ? AND x.id = ? AND ?
                                               AND NOT EXISTS (SELECT 1 FROM callbacks b
                                                                WHERE b.canister_id = x.canister_id
                                                                  AND b.context_id = x.id AND b.id <> ?))
                            SELECT (SELECT count(*) FROM consumed), c.ingress_call_id, c.origin_canister,
                                   c.origin_callback, c.answered,
                                   (SELECT count(*) FROM callbacks b
                                     WHERE b.canister_id = c.canister_id AND b.context_id = c.id AND b.id <> ?),
                                   c.cycles_refund
                              FROM call_contexts c WHERE c.canister_id = ? AND c.id = ?""")
                    .params(canisterId, outbox.consumed != null ? outbox.consumed : -1, canisterId, callback,
                            canisterId, context, outbox.requests.isEmpty(), callback, callback, canisterId, context)
                    .query((rs, n) -> new ContextRow(rs.getLong(1), new Origin((UUID) rs.getObject(2),
                            rs.getString(3), (Long) rs.getObject(4)), rs.getBoolean(5), rs.getLong(6),
                            rs.getBigDecimal(7).toBigIntegerExact()))
                    .single();
            if (outbox.consumed != null && row.consumed() != 1) {
                throw new MessageConsumedException(canisterId, outbox.consumed);
            }
            origin = row.origin();
            answeredBefore = row.answered();
            othersOutstanding = row.others();
            refund = row.refund();
        } else if (outbox.consumed != null && outbox.requests.isEmpty() && outbox.answer != null
                && origin.canister() != null) {
            // a request answered at once (the common callee): consume it and send the answer in one statement
            Response answer = outbox.answer.refunding(refund);
            if (jdbc.sql("""
                            WITH consumed AS (DELETE FROM messages WHERE target = ? AND id = ? RETURNING 1),
                                 answer AS (INSERT INTO messages (target, kind, sender, callback_id, payload,
                                                                  reject_code, reject_message, cycles)
                                            SELECT ?, 'response', ?, ?, ?, ?, ?, ? FROM consumed)
                            SELECT count(*) FROM consumed""")
                    .params(canisterId, outbox.consumed, origin.canister(), canisterId, origin.callback(),
                            answer.reply(), answer.reply() != null ? null : answer.rejectCode(),
                            answer.rejectMessage(), new java.math.BigDecimal(answer.refund()))
                    .query(Long.class).single() != 1) {
                throw new MessageConsumedException(canisterId, outbox.consumed);
            }
            return new Written(List.of(origin.canister()), null, null);
        } else if (outbox.consumed != null && jdbc.sql("DELETE FROM messages WHERE target = ? AND id = ?")
                .params(canisterId, outbox.consumed).update() != 1) {
            throw new MessageConsumedException(canisterId, outbox.consumed);
        }
        List<String> targets = new ArrayList<>();
        List<Pending> sent = new ArrayList<>();
        List<Request> requests = outbox.requests;
        if (context == null && !requests.isEmpty() && outbox.answer == null) {
            // an execution that opens a context and makes calls (the common caller): the context and its first
            // call in one statement
            Request first = requests.get(0);
            context = jdbc.sql("""
                            WITH context AS (
                                INSERT INTO call_contexts (canister_id, ingress_call_id, origin_canister,
                                                           origin_callback, answered, cycles_refund)
                                VALUES (?, ?, ?, ?, false, ?) RETURNING id),
                                 callback AS (
                                INSERT INTO callbacks (canister_id, context_id, reply_fun, reply_env, reject_fun,
                                                       reject_env, cleanup_fun, cleanup_env, deadline)
                                SELECT ?, context.id, ?, ?, ?, ?, ?, ?, ? FROM context RETURNING id),
                                 request AS (
                                INSERT INTO messages (target, kind, sender, callback_id, method, payload, cycles,
                                                      deadline)
                                SELECT ?, 'request', ?, callback.id, ?, ?, ?, ? FROM callback RETURNING id)
                            SELECT context.id, callback.id, request.id FROM context, callback, request""")
                    .params(canisterId, origin.ingressCallId(), origin.canister(), origin.callback(),
                            new java.math.BigDecimal(outbox.refund), canisterId, first.replyFun(), first.replyEnv(),
                            first.rejectFun(), first.rejectEnv(), first.cleanupFun(), first.cleanupEnv(),
                            first.deadline(), first.target(), canisterId, first.method(), first.arg(),
                            new java.math.BigDecimal(first.cycles()), first.deadline())
                    .query((rs, n) -> {
                        sent.add(request(rs.getLong(3), canisterId, rs.getLong(2), first));
                        return rs.getLong(1);
                    })
                    .single();
            targets.add(first.target());
            requests = requests.subList(1, requests.size());
        } else if (context == null && !requests.isEmpty()) {
            context = jdbc.sql("""
                            INSERT INTO call_contexts (canister_id, ingress_call_id, origin_canister, origin_callback,
                                                       answered, cycles_refund)
                            VALUES (?, ?, ?, ?, ?, ?) RETURNING id""")
                    .params(canisterId, origin.ingressCallId(), origin.canister(), origin.callback(),
                            outbox.answer != null, new java.math.BigDecimal(outbox.answer != null ? BigInteger.ZERO
                                    : outbox.refund))
                    .query(Long.class).single();
        }
        for (Request request : requests) {
            jdbc.sql("""
                            WITH callback AS (
                                INSERT INTO callbacks (canister_id, context_id, reply_fun, reply_env, reject_fun,
                                                       reject_env, cleanup_fun, cleanup_env, deadline)
                                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id),
                                 sent AS (
                                INSERT INTO messages (target, kind, sender, callback_id, method, payload, cycles,
                                                      deadline)
                                SELECT ?, 'request', ?, callback.id, ?, ?, ?, ? FROM callback RETURNING id)
                            SELECT callback.id, sent.id FROM callback, sent""")
                    .params(canisterId, context, request.replyFun(), request.replyEnv(), request.rejectFun(),
                            request.rejectEnv(), request.cleanupFun(), request.cleanupEnv(), request.deadline(),
                            request.target(), canisterId, request.method(), request.arg(),
                            new java.math.BigDecimal(request.cycles()), request.deadline())
                    .query((rs, n) -> sent.add(request(rs.getLong(2), canisterId, rs.getLong(1), request)))
                    .single();
            targets.add(request.target());
        }
        Response ingressAnswer = null;
        if (outbox.answer != null) {
            ingressAnswer = answer(canisterId, origin, outbox.answer.refunding(refund), targets, stateVersion,
                    instructions, outbox.context != null);
        }
        if (outbox.context != null) { // a context opened earlier: it closes when no call of it is outstanding
            if (othersOutstanding + outbox.requests.size() == 0) { // closed by the statement that read it
                if (!answeredBefore && outbox.answer == null) {
                    ingressAnswer = answer(canisterId, origin, Response.rejected(CANISTER_ERROR, "DID_NOT_REPLY",
                            "canister did not reply to the call").refunding(refund), targets, stateVersion,
                            instructions, true);
                }
                context = null;
            } else if (outbox.answer != null) {
                jdbc.sql("UPDATE call_contexts SET answered = true WHERE canister_id = ? AND id = ?")
                        .params(canisterId, context).update();
            }
        }
        afterCommit(canisterId, outbox.requests.size() - (outbox.callback != null ? 1 : 0));
        return new Written(targets, context, ingressAnswer, sent);
    }

    private static Pending request(long id, String sender, long callback, Request request) {
        return new Pending(id, request.target(), true, sender, callback, request.method(), request.arg(), null, null,
                request.cycles(), null, request.deadline(), false);
    }

    /** Sends an answer to its origin; returns it if an ingress call awaits it in memory. */
    private Response answer(String canisterId, Origin origin, Response answer, List<String> targets,
            long stateVersion, long instructions, boolean later) {
        if (origin.canister() != null) {
            jdbc.sql("""
                            INSERT INTO messages (target, kind, sender, callback_id, payload, reject_code,
                                                  reject_message, cycles)
                            VALUES (?, 'response', ?, ?, ?, ?, ?, ?)""")
                    .params(origin.canister(), canisterId, origin.callback(), answer.reply(),
                            answer.reply() != null ? null : answer.rejectCode(), answer.rejectMessage(),
                            new java.math.BigDecimal(answer.refund()))
                    .update();
            targets.add(origin.canister());
            return null;
        }
        if (!later) {
            return null; // the ingress execution itself answered: its caller hears it from that execution
        }
        if (origin.ingressCallId() != null) {
            stateStore.completeCall(origin.ingressCallId(), answer.reply(), answer.rejectKind(),
                    answer.rejectMessage(), instructions, stateVersion);
        }
        return answer;
    }

    /**
     * Drops every call context of a canister whose code and state are replaced (install, reinstall, uninstall;
     * an upgrade keeps them, as on the IC): the responses to its calls will find no callback, and a context that
     * was not answered yet is rejected to its origin with CANISTER_REJECT, as the IC does. Joins the caller's
     * transaction. A caller waiting in memory learns it from {@link #openContexts}.
     */
    void abandon(String canisterId, String why, long stateVersion) {
        outstanding.remove(canisterId); // its callbacks go with its contexts: counted again when it next calls
        List<Map.Entry<Origin, BigInteger>> unanswered = jdbc.sql("""
                        DELETE FROM call_contexts WHERE canister_id = ?
                        RETURNING answered, ingress_call_id, origin_canister, origin_callback, cycles_refund""")
                .param(canisterId)
                .query((rs, n) -> rs.getBoolean(1) ? null : Map.entry(new Origin((UUID) rs.getObject(2),
                        rs.getString(3), (Long) rs.getObject(4)), rs.getBigDecimal(5).toBigIntegerExact()))
                .list();
        for (Map.Entry<Origin, BigInteger> open : unanswered) {
            if (open != null) {
                answer(canisterId, open.getKey(), Response.rejected(4, "CANISTER_REJECT", "canister " + canisterId
                        + " " + why + " before it answered the call").refunding(open.getValue()), new ArrayList<>(),
                        stateVersion, 0, true);
            }
        }
    }

    /**
     * The calls of a canister that await their response, for {@code call_perform}'s bound: an estimate kept from
     * the commits since they were last counted, counted again when unknown or at {@code limit}. On the canister's
     * lane only (its own commits are the only ones that change the count; a reinstall forgets it).
     */
    public long estimateOutstandingCalls(String canisterId, long limit) {
        Long known = outstanding.get(canisterId);
        return known != null && known < limit ? known : recountOutstandingCalls(canisterId);
    }

    /** {@link #outstandingCalls}, kept as the estimate from now on; on the canister's lane only. */
    public long recountOutstandingCalls(String canisterId) {
        long counted = outstandingCalls(canisterId);
        outstanding.put(canisterId, counted);
        return counted;
    }

    /** Adjusts the estimate of a canister's outstanding calls once the transaction writing them commits. */
    private void afterCommit(String canisterId, long delta) {
        if (delta != 0 && outstanding.containsKey(canisterId)) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    outstanding.computeIfPresent(canisterId, (id, calls) -> Math.max(0, calls + delta));
                }
            });
        }
    }

    /** The calls of a canister that await their response (or, responded, their callback's execution). */
    public long outstandingCalls(String canisterId) {
        return jdbc.sql("SELECT count(*) FROM callbacks WHERE canister_id = ?").param(canisterId).query(Long.class)
                .single();
    }

    /** A canister's open call contexts, calls awaiting their callback, and messages waiting for it, in that order. */
    public long[] inFlight(String canisterId) {
        return jdbc.sql("""
                        SELECT (SELECT count(*) FROM call_contexts WHERE canister_id = :id),
                               (SELECT count(*) FROM callbacks WHERE canister_id = :id),
                               (SELECT count(*) FROM messages WHERE target = :id)""")
                .param("id", canisterId)
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)}).single();
    }

    /** Calls awaiting their callback and messages waiting for delivery, over all canisters. */
    public long[] totals() {
        return jdbc.sql("SELECT (SELECT count(*) FROM callbacks), (SELECT count(*) FROM messages)")
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)}).single();
    }

    /** Whether the canister has call contexts that are not closed: calls it awaits, or answers it owes. */
    public boolean hasOpenContexts(String canisterId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM call_contexts WHERE canister_id = ?)").param(canisterId)
                .query(Boolean.class).single();
    }

    /** Which of these call contexts still exist. */
    public java.util.Set<Long> openContexts(java.util.Collection<Long> contexts) {
        if (contexts.isEmpty()) {
            return java.util.Set.of();
        }
        return new java.util.HashSet<>(jdbc.sql("SELECT id FROM call_contexts WHERE id = ANY(?)")
                .param(contexts.toArray(new Long[0]))
                .query(Long.class).list());
    }

    /** The message an execution consumed was consumed already: its commit must not happen. */
    public static final class MessageConsumedException extends RuntimeException {
        MessageConsumedException(String canisterId, long id) {
            super("message " + id + " to " + canisterId + " was consumed already");
        }
    }
}
