package com.canisterhost.execution;

import com.canisterhost.principal.CanisterId;
import com.canisterhost.state.CallRecord;
import com.canisterhost.state.Mailbox;
import java.util.List;

/**
 * A response to a call a canister made, on the caller's lane ({@link CallDelivery} puts it there): the reply or
 * reject callback runs on it, and the cleanup callback if that traps. The cycles the callee did not accept go back
 * on the balance whatever the callbacks do. What was written is handed back for {@link CallDelivery#sent}, with the
 * call context it may have answered.
 */
final class CallbackExecution {

    private final ExecutionSteps steps;
    private final Mailbox mailbox;

    CallbackExecution(ExecutionSteps steps, Mailbox mailbox) {
        this.steps = steps;
        this.mailbox = mailbox;
    }

    CallDelivery.Delivered run(Mailbox.Pending response) {
        String target = response.target();
        var callback = java.util.Optional.ofNullable(response.callback());
        LiveCanister canister = callback.isPresent() ? steps.canisterIfInstalled(target) : null;
        Long context = callback.map(Mailbox.Callback::context).orElse(null);
        Mailbox.Outbox consumeOnly = new Mailbox.Outbox(response.id(), context, null,
                callback.map(Mailbox.Callback::id).orElse(null), null, List.of());
        if (canister == null) { // the canister was reinstalled, uninstalled or deleted since it made the call
            return new CallDelivery.Delivered(mailbox.writeAlone(target, consumeOnly, 0, 0), context, 0, 0);
        }
        Mailbox.Callback cb = callback.get();
        boolean replied = response.rejectCode() == null;
        long time = canister.nextTime();
        long version = canister.version();
        byte[] sender = CanisterId.parse(response.sender()).bytes();
        Execution execution = canister.beginUpdate();
        // the cycles the callee did not accept are back on the balance before the callback runs, trap or not
        java.math.BigInteger refund = response.cycles();
        execution.cycles(execution.cycles().add(refund));
        Message message = steps.callback(target, response.rejectCode(), response.rejectMessage(),
                response.payload(), replied ? cb.replyFun() : cb.rejectFun(), replied ? cb.replyEnv() : cb.rejectEnv(),
                cb.contextAnswered(), sender, time, version);
        message.cyclesRefunded = refund;
        steps.runWatched(execution, message, null);
        if (message.failure == null) {
            Mailbox.Outbox outbox = new Mailbox.Outbox(response.id(), cb.context(), null, cb.id(),
                    MessageOutcomes.answer(message), message.performed);
            long committed = steps.commit(canister, execution, MessageOutcomes.record("callback", null, sender,
                    message, time, outbox));
            return new CallDelivery.Delivered(outbox.written(), cb.context(), message.instructions, committed);
        }
        // the callback trapped: its changes are gone; the cleanup callback, if any, runs on the state before it
        CallOutcome.Rejected trapped = MessageOutcomes.trapped(message, version);
        steps.logFailure(target, message.prints, trapped, time);
        if (cb.cleanupFun() != null) {
            Execution cleanupExecution = canister.begin();
            cleanupExecution.cycles(cleanupExecution.cycles().add(refund));
            Message cleanup = steps.message(target, EntryPoint.CLEANUP, new byte[0], sender, time, version);
            cleanup.callbackFun = cb.cleanupFun();
            cleanup.callbackEnv = cb.cleanupEnv();
            steps.runWatched(cleanupExecution, cleanup, null);
            if (cleanup.failure == null) {
                long committed = steps.commit(canister, cleanupExecution, MessageOutcomes.record("cleanup", null,
                        sender, cleanup, time, consumeOnly));
                return new CallDelivery.Delivered(consumeOnly.written(), cb.context(), cleanup.instructions,
                        committed);
            }
            steps.logFailure(target, cleanup.prints, MessageOutcomes.trapped(cleanup, version), time);
        }
        if (refund.signum() > 0) { // nothing else of it stays, but the refund does
            Execution refunded = canister.begin();
            refunded.cycles(refunded.cycles().add(refund));
            long committed = steps.commit(canister, refunded, new CallRecord("callback", null, sender, null, null,
                    null, message.instructions, time, List.of(), null, consumeOnly)); // its prints are logged already
            return new CallDelivery.Delivered(consumeOnly.written(), cb.context(), message.instructions, committed);
        }
        return new CallDelivery.Delivered(mailbox.writeAlone(target, consumeOnly, version, message.instructions),
                cb.context(), message.instructions, version);
    }
}
