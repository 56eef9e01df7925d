package com.canisterhost.execution;

import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.state.Mailbox;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The in-memory inboxes against a list standing in for the messages table (oldest first). */
class InboxesTest {

    private final Inboxes inboxes = new Inboxes();
    private final List<Mailbox.Pending> table = new ArrayList<>();
    private int reads;

    private Optional<Mailbox.Pending> read(String target) {
        reads++;
        List<Mailbox.Pending> mine = table.stream().filter(m -> m.target().equals(target)).toList();
        if (mine.isEmpty()) {
            return Optional.empty();
        }
        Mailbox.Pending m = mine.get(0);
        return Optional.of(new Mailbox.Pending(m.id(), m.target(), m.request(), m.sender(), m.callbackId(), m.method(),
                m.payload(), m.rejectCode(), m.rejectMessage(), m.cycles(), m.callback(), m.deadline(),
                mine.size() > 1));
    }

    private static Mailbox.Pending request(long id, String target) {
        return new Mailbox.Pending(id, target, true, "a", id, "inc", new byte[0], null, null, BigInteger.ZERO, null,
                0, false);
    }

    private static Mailbox.Pending response(long id, String target) {
        return new Mailbox.Pending(id, target, false, "b", id, null, new byte[0], null, null, BigInteger.ZERO, null,
                0, false);
    }

    /** A commit that wrote {@code messages}: requests handed over with it, responses only counted. */
    private void commit(Mailbox.Pending... messages) {
        List<String> targets = new ArrayList<>();
        List<Mailbox.Pending> requests = new ArrayList<>();
        for (Mailbox.Pending m : messages) {
            table.add(m);
            targets.add(m.target());
            if (m.request()) {
                requests.add(m);
            }
        }
        inboxes.sent(new Mailbox.Written(targets, null, null, requests), target -> true);
    }

    /** Delivers the next message for {@code target} as its lane would: consumed in the "commit". */
    private Mailbox.Pending deliver(String target) {
        Inboxes.Next next = inboxes.next(target, this::read).orElseThrow();
        if (next.message() != null) {
            assertThat(table.removeIf(m -> m.id() == next.message().id())).as("consumed once").isTrue();
        }
        return next.message();
    }

    @Test
    void afterARestartTheTableIsReadUntilEmptyThenRequestsComeFromMemory() {
        table.add(request(1, "b")); // left from before the restart
        commit(request(2, "b"));
        assertThat(deliver("b").id()).as("the older one first, although memory has a later one").isEqualTo(1);
        assertThat(deliver("b").id()).isEqualTo(2);
        assertThat(reads).isEqualTo(2);
        assertThat(inboxes.next("b", this::read)).as("empty: the inbox is complete from now on").isEmpty();
        reads = 0;
        commit(request(3, "b"));
        commit(request(4, "b"));
        assertThat(deliver("b").id()).isEqualTo(3);
        assertThat(deliver("b").id()).isEqualTo(4);
        assertThat(reads).as("taken from memory").isZero();
        assertThat(table).isEmpty();
    }

    @Test
    void responsesAreReadAndAnnouncedAsMore() {
        inboxes.next("a", this::read); // empty: complete
        commit(request(5, "a"));
        commit(response(6, "a"));
        Inboxes.Next first = inboxes.next("a", this::read).orElseThrow();
        assertThat(first.message().id()).as("with a response waiting, the oldest is read").isEqualTo(5);
        assertThat(first.more()).isTrue();
        table.removeIf(m -> m.id() == 5);
        Inboxes.Next second = inboxes.next("a", this::read).orElseThrow();
        assertThat(second.message().id()).isEqualTo(6);
        assertThat(second.more()).isFalse();
        table.removeIf(m -> m.id() == 6);
        assertThat(inboxes.next("a", this::read)).isEmpty();
    }

    @Test
    void aCommitLearnedLateMakesEveryInboxReadAgain() {
        inboxes.next("b", this::read);
        table.add(request(7, "b")); // its commit's outcome came after a lost connection: not handed over
        inboxes.distrustAll();
        commit(request(8, "b"));
        assertThat(deliver("b").id()).isEqualTo(7);
        assertThat(deliver("b").id()).isEqualTo(8);
    }

    @Test
    void aSweepThatFindsMessagesMakesTheNextDeliveryRead() {
        inboxes.next("b", this::read);
        table.add(response(9, "b")); // e.g. a best-effort call's expiry, written by the sweep
        inboxes.unread("b");
        commit(request(10, "b"));
        assertThat(deliver("b").id()).isEqualTo(9);
        assertThat(deliver("b").id()).isEqualTo(10);
        assertThat(inboxes.next("b", this::read)).isEmpty();
    }

    private boolean waiting(String target) {
        reads++;
        return table.stream().anyMatch(m -> m.target().equals(target));
    }

    /** What a fused call asks before it runs a request at once: whether it would overtake a message. */
    @Test
    void aTargetIsEmptyOnlyWhenNoMessageWaitsAndAskingOnceMakesItsInboxComplete() {
        table.add(request(11, "b")); // left from before the restart
        assertThat(inboxes.empty("b", this::waiting)).as("a message from before the restart").isFalse();
        deliver("b");
        assertThat(inboxes.empty("b", this::waiting)).isTrue();
        reads = 0;
        assertThat(inboxes.empty("b", this::waiting)).as("known from memory now").isTrue();
        assertThat(reads).isZero();
        commit(request(12, "b"));
        assertThat(inboxes.empty("b", this::waiting)).as("a request handed over").isFalse();
        deliver("b");
        commit(response(13, "b"));
        assertThat(inboxes.empty("b", this::waiting)).as("a response counted").isFalse();
        deliver("b"); // read: responses always are
        reads = 0;
        assertThat(inboxes.empty("b", this::waiting)).isTrue();
        assertThat(reads).isZero();
        table.add(request(14, "b"));
        inboxes.distrustAll(); // a commit learned late: asked again
        assertThat(inboxes.empty("b", this::waiting)).isFalse();
        assertThat(reads).isEqualTo(1);
    }
}
