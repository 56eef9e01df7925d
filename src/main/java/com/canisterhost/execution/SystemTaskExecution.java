package com.canisterhost.execution;

import com.canisterhost.state.CallRecord;
import com.canisterhost.state.LogEntry;
import com.canisterhost.state.Mailbox;
import java.util.ArrayList;
import java.util.List;

/**
 * System tasks, on the canister's lane ({@link Executor#globalTimer} and {@link Executor#heartbeat} put them
 * there): {@code canister_global_timer} and {@code canister_heartbeat}, called by the management canister. A task
 * that ends commits like an update; a trap rolls back, but a timer stays cleared.
 */
final class SystemTaskExecution {

    /** The caller of system tasks: the management canister, whose principal is the empty blob. */
    private static final byte[] MANAGEMENT_CANISTER = new byte[0];

    private final ExecutionSteps steps;
    private final CallDelivery delivery;

    SystemTaskExecution(ExecutionSteps steps, CallDelivery delivery) {
        this.steps = steps;
        this.delivery = delivery;
    }

    /**
     * Runs {@code canister_global_timer} if the canister's timer is due: the timer is cleared as the task is
     * scheduled, the task commits like an update, and a trap rolls back everything but the clearing.
     *
     * @return the outcome, or null if the timer was not due
     */
    CallOutcome globalTimer(String canisterId) {
        LiveCanister canister = steps.liveCanister(canisterId);
        long due = canister.committed().globalTimer();
        long time = canister.nextTime();
        if (due == 0 || due > time) {
            return null;
        }
        return run(canister, EntryPoint.GLOBAL_TIMER, time);
    }

    /** Runs {@code canister_heartbeat}; null if the canister does not export it. */
    CallOutcome heartbeat(String canisterId) {
        LiveCanister canister = steps.liveCanister(canisterId);
        if (!canister.module.exports(EntryPoint.HEARTBEAT.exportName(null))) {
            return null;
        }
        return run(canister, EntryPoint.HEARTBEAT, canister.nextTime());
    }

    private CallOutcome run(LiveCanister canister, EntryPoint task, long time) {
        long version = canister.version();
        boolean timer = task == EntryPoint.GLOBAL_TIMER;
        Execution execution = canister.beginUpdate();
        if (timer) {
            execution.globalTimer(0);
        }
        Message message = steps.message(canister.id, task, new byte[0], MANAGEMENT_CANISTER, time, version);
        if (canister.module.exports(task.exportName(null))) {
            steps.runWatched(execution, message, null);
        }
        String kind = timer ? "timer" : "heartbeat";
        if (message.failure == null) {
            // calls a task makes are answered to its callbacks; the task's context itself has nobody to answer
            Mailbox.Outbox outbox = message.performed.isEmpty() ? null : new Mailbox.Outbox(null, null,
                    Mailbox.Origin.ingress(null), null, null, message.performed);
            long newVersion = steps.commit(canister, execution, new CallRecord(kind, null, MANAGEMENT_CANISTER,
                    new byte[0], null, null, message.instructions, time, message.prints, null, outbox));
            if (outbox != null) {
                delivery.sent(outbox.written(), null, message.instructions, newVersion);
            }
            return new CallOutcome.Replied(new byte[0], message.instructions, newVersion);
        }
        CallOutcome.Rejected failed = MessageOutcomes.trapped(message, version);
        if (!timer) {
            steps.logFailure(canister.id, message.prints, failed, time);
            return failed;
        }
        Execution cleared = canister.begin(); // everything rolls back except that the timer fired
        cleared.globalTimer(0);
        List<LogEntry> entries = new ArrayList<>(message.prints);
        entries.add(LogEntry.trap(time, failed.message()));
        long newVersion = steps.commit(canister, cleared, new CallRecord(kind, null, MANAGEMENT_CANISTER, null,
                failed.kind().rejectCode(), failed.message(), message.instructions, time, entries));
        return new CallOutcome.Rejected(failed.kind(), failed.message(), failed.instructions(), newVersion);
    }
}
