package com.canisterhost.execution;

import com.canisterhost.principal.CanisterId;
import com.canisterhost.state.Mailbox;
import java.util.List;

/**
 * A request from another canister, on the callee's lane ({@link CallDelivery} puts it there): the callee's update
 * or query method runs on it, or the management canister handles it. An update that answers or makes calls commits,
 * consuming the request and sending its answer and calls with the commit; anything else answers alone, with nothing
 * committed and the request's cycles sent back. What was written is handed back for {@link CallDelivery#sent}.
 */
final class RequestExecution {

    /** SYS_TRANSIENT and DESTINATION_INVALID, as the interface spec numbers them. */
    private static final int SYS_TRANSIENT = 2;
    private static final int DESTINATION_INVALID = 3;

    private final ExecutionSteps steps;
    private final WorkerPool workers;
    private final Mailbox mailbox;
    private final CanisterActivity activity;
    private final java.util.function.Supplier<ManagementCanister> management;

    RequestExecution(ExecutionSteps steps, WorkerPool workers, Mailbox mailbox, CanisterActivity activity,
            java.util.function.Supplier<ManagementCanister> management) {
        this.steps = steps;
        this.workers = workers;
        this.mailbox = mailbox;
        this.activity = activity;
        this.management = management;
    }

    CallDelivery.Delivered run(Mailbox.Pending request) {
        String target = request.target();
        Mailbox.Origin origin = Mailbox.Origin.call(request.sender(), request.callbackId());
        if (target.equals(ManagementCanister.ID)) {
            workers.releaseSlot(); // it mostly waits: on PostgreSQL, and on the lanes of the canisters it manages
            return new CallDelivery.Delivered(management.get().handle(new ManagementRequest(request.id(),
                    request.sender(), request.callbackId(), request.method(),
                    request.payload() != null ? request.payload() : new byte[0], request.cycles())), null, 0, 0);
        }
        LiveCanister callee = steps.canisterIfInstalled(target);
        if (callee == null) {
            return answerAlone(request, origin, Mailbox.Response.rejected(DESTINATION_INVALID, null,
                    "canister " + target + " does not exist or has no module"), 0, 0);
        }
        int status = activity.status(target);
        if (status != 1) {
            return answerAlone(request, origin, Mailbox.Response.rejected(SYS_TRANSIENT, null, "canister " + target
                    + " is " + (status == 2 ? "stopping" : "stopped")), 0, callee.version());
        }
        String method = request.method();
        boolean update = callee.module.updateMethods().contains(method);
        boolean query = callee.module.queryMethods().contains(method);
        if (!update && !query) {
            return answerAlone(request, origin, Mailbox.Response.rejected(DESTINATION_INVALID, null,
                    "canister " + target + " has no update or query method '" + method + "'"), 0, callee.version());
        }
        long time = callee.nextTime();
        long version = callee.version();
        Execution execution = update ? callee.beginUpdate() : callee.beginQuery();
        byte[] caller = CanisterId.parse(request.sender()).bytes();
        Message message = steps.message(target, update ? EntryPoint.UPDATE : EntryPoint.QUERY,
                request.payload() != null ? request.payload() : new byte[0], caller, time, version);
        message.cyclesAvailable = request.cycles();
        message.deadline = request.deadline();
        steps.runWatched(execution, message, method);
        if (message.failure != null) {
            CallOutcome.Rejected trapped = MessageOutcomes.trapped(message, version);
            if (update) {
                steps.logFailure(target, message.prints, trapped, time);
            }
            return answerAlone(request, origin, Mailbox.Response.rejected(Mailbox.CANISTER_ERROR, null,
                    trapped.message()), message.instructions, version);
        }
        Mailbox.Response answer = MessageOutcomes.answer(message);
        if (!update || (answer == null && message.performed.isEmpty())) {
            // a query method commits nothing; an update that neither answered nor called is rolled back
            return answerAlone(request, origin, answer != null ? answer : Mailbox.Response.rejected(
                    Mailbox.CANISTER_ERROR, null, "canister did not reply to the call"), message.instructions, version);
        }
        Mailbox.Outbox outbox = new Mailbox.Outbox(request.id(), null, origin, null, answer, message.performed,
                request.cycles().subtract(message.cyclesAccepted));
        long committed = steps.commit(callee, execution,
                MessageOutcomes.record("call", method, caller, message, time, outbox));
        return new CallDelivery.Delivered(outbox.written(), null, message.instructions, committed);
    }

    /** Consumes a request and answers it, with no state committed: all the cycles it carried go back. */
    private CallDelivery.Delivered answerAlone(Mailbox.Pending request, Mailbox.Origin origin,
            Mailbox.Response answer, long instructions, long version) {
        Mailbox.Outbox outbox = new Mailbox.Outbox(request.id(), null, origin, null, answer, List.of(),
                request.cycles());
        return new CallDelivery.Delivered(mailbox.writeAlone(request.target(), outbox, version, instructions), null,
                instructions, version);
    }
}
