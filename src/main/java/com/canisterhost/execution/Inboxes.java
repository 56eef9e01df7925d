package com.canisterhost.execution;

import com.canisterhost.state.Mailbox;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The messages waiting for each canister that this node knows of without reading them back: a request goes to its
 * target's inbox with the commit that sent it, so the target's lane takes it from memory instead of querying
 * PostgreSQL for it. PostgreSQL stays the record (a message is consumed by the commit that handled it), and an
 * inbox is trusted only once a read of the target's messages came back empty: until then (after a restart, or
 * after a commit whose outcome was learned late) the lane reads the oldest message, so requests between two
 * canisters keep their order. Responses are always read (their callback and its context's state are the caller's
 * rows); an inbox counts them, so that the lane knows another message waits.
 */
final class Inboxes {

    private static final class Inbox {
        final ArrayDeque<Mailbox.Pending> requests = new ArrayDeque<>();
        /** Messages sent to it that only PostgreSQL holds (or might: a sweep found some), not yet read. */
        long unread;
        /** Whether {@link #requests} holds every request waiting for it (a read of its messages found none). */
        boolean complete;
    }

    /** The next message and whether another one waits behind it. */
    record Next(Mailbox.Pending message, boolean more) {}

    private final Map<String, Inbox> inboxes = new ConcurrentHashMap<>();

    private Inbox inbox(String target) {
        return inboxes.computeIfAbsent(target, t -> new Inbox());
    }

    /**
     * After a commit: what it sent to {@code target}s, requests with their contents, other messages counted; only
     * for canisters this node executes ({@code local}): another node's canister is read from PostgreSQL should this
     * node take it over.
     */
    void sent(Mailbox.Written written, java.util.function.Predicate<String> local) {
        Map<String, Integer> handed = new java.util.HashMap<>();
        for (Mailbox.Pending request : written.requests()) {
            if (local.test(request.target())) {
                Inbox inbox = inbox(request.target());
                synchronized (inbox) {
                    inbox.requests.add(request);
                }
                handed.merge(request.target(), 1, Integer::sum);
            }
        }
        for (String target : written.targets()) {
            if (!local.test(target)) {
                forget(target);
                continue;
            }
            if (handed.merge(target, -1, Integer::sum) >= 0) {
                continue;
            }
            Inbox inbox = inbox(target);
            synchronized (inbox) {
                inbox.unread++;
            }
        }
    }

    /** Forgets what is known of {@code target}'s messages: its next delivery reads them from PostgreSQL. */
    void forget(String target) {
        inboxes.remove(target);
    }

    /** PostgreSQL holds messages for {@code target} that may not be in its inbox: its next delivery reads them. */
    void unread(String target) {
        Inbox inbox = inbox(target);
        synchronized (inbox) {
            inbox.unread = Math.max(inbox.unread, 1);
        }
    }

    /** A commit's outcome was learned late (what it sent is unknown): every inbox reads again until it is empty. */
    void distrustAll() {
        for (Inbox inbox : inboxes.values()) {
            synchronized (inbox) {
                inbox.complete = false;
            }
        }
    }

    /**
     * Whether no message waits for {@code target}: known from its inbox, or else asked of PostgreSQL with
     * {@code waiting} (after which the inbox is complete, as after an empty read). Runs on the target's lane.
     */
    boolean empty(String target, java.util.function.Predicate<String> waiting) {
        Inbox inbox = inbox(target);
        long unreadBefore;
        synchronized (inbox) {
            if (inbox.complete || !inbox.requests.isEmpty()) {
                return inbox.complete && inbox.unread == 0 && inbox.requests.isEmpty();
            }
            unreadBefore = inbox.unread;
        }
        if (waiting.test(target)) {
            return false;
        }
        synchronized (inbox) {
            inbox.complete = true;
            inbox.unread = Math.max(0, inbox.unread - unreadBefore);
            return inbox.unread == 0 && inbox.requests.isEmpty();
        }
    }

    /**
     * The next message for {@code target}: from its inbox if it holds every request and no other message waits
     * (so responses are not starved by a stream of requests), else the oldest one {@code read} finds. Runs on the
     * target's lane (one at a time per target).
     */
    Optional<Next> next(String target, Function<String, Optional<Mailbox.Pending>> read) {
        Inbox inbox = inbox(target);
        long unreadBefore;
        synchronized (inbox) {
            if (inbox.complete && inbox.unread == 0 && !inbox.requests.isEmpty()) {
                Mailbox.Pending request = inbox.requests.poll();
                return Optional.of(new Next(request, !inbox.requests.isEmpty()));
            }
            unreadBefore = inbox.unread;
        }
        Optional<Mailbox.Pending> found = read.apply(target);
        synchronized (inbox) {
            if (found.isEmpty()) {
                // everything sent before the read was consumed; a request in the inbox now came after it
                inbox.complete = true;
                inbox.unread = Math.max(0, inbox.unread - unreadBefore);
                return inbox.requests.isEmpty() && inbox.unread == 0 ? Optional.empty()
                        : Optional.of(new Next(null, true));
            }
            Mailbox.Pending message = found.get();
            if (!removed(inbox, message.id())) {
                inbox.unread = Math.max(0, inbox.unread - 1);
            }
            return Optional.of(new Next(message, message.more() || !inbox.requests.isEmpty() || inbox.unread > 0));
        }
    }

    private static boolean removed(Inbox inbox, long id) {
        for (Iterator<Mailbox.Pending> it = inbox.requests.iterator(); it.hasNext(); ) {
            if (it.next().id() == id) {
                it.remove();
                return true;
            }
        }
        return false;
    }
}
