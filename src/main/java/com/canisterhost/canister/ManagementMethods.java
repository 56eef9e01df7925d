package com.canisterhost.canister;

import com.canisterhost.execution.CallOutcome;
import com.canisterhost.execution.Executor;
import com.canisterhost.execution.InstallMode;
import com.canisterhost.execution.ManagementCanister;
import com.canisterhost.execution.ManagementRequest;
import com.canisterhost.execution.WasmMemoryPersistence;
import com.canisterhost.module.DeterminismProfile;
import com.canisterhost.module.InvalidModuleException;
import com.canisterhost.module.ModuleTooLargeException;
import com.canisterhost.module.PreparationsBusyException;
import com.canisterhost.principal.CanisterId;
import com.canisterhost.state.CanisterRows;
import com.canisterhost.state.Mailbox;
import com.canisterhost.state.StateStore;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The management canister's methods that canisters call: {@code create_canister}, {@code install_code},
 * {@code update_settings}, {@code canister_status}, {@code start_canister}, {@code stop_canister},
 * {@code delete_canister}, {@code deposit_cycles} and {@code raw_rand}. Each answer is written in the transaction
 * that makes the method's effect (for {@code install_code}, the installed canister's commit), so a request is
 * applied and answered together or not at all, however a crash falls. Refusals are rejects with the codes the
 * IC gives them: {@code DESTINATION_INVALID} for a canister that does not exist, {@code CANISTER_ERROR} for the
 * rest (not a controller, bad arguments, a module that does not validate, an init that traps).
 */
@Component
class ManagementMethods implements ManagementCanister {

    private static final int SYS_TRANSIENT = 2;
    private static final int DESTINATION_INVALID = 3;
    /** Candid {@code DIDL}, one type ({@code vec nat8}), one value of it, 32 bytes long: then the bytes. */
    private static final byte[] RAW_RAND_CANDID = {'D', 'I', 'D', 'L', 1, 0x6d, 0x7b, 1, 0, 32};

    private final CanisterManagement management;
    private final CanisterSettings settings;
    private final CanisterRepository canisters;
    private final Mailbox mailbox;
    private final TransactionTemplate transactions;
    private final Executor executor;
    private final CanisterRows canisterRows;
    private final SecureRandom entropy = new SecureRandom();

    ManagementMethods(CanisterManagement management, CanisterSettings settings, CanisterRepository canisters,
            StateStore stateStore, TransactionTemplate transactions, Executor executor, CanisterRows canisterRows) {
        this.management = management;
        this.settings = settings;
        this.canisters = canisters;
        this.mailbox = stateStore.mailbox();
        this.transactions = transactions;
        this.executor = executor;
        this.canisterRows = canisterRows;
    }

    @Override
    public Mailbox.Written handle(ManagementRequest request) {
        try {
            return switch (request.method()) {
                case "raw_rand" -> answer(request, Mailbox.Response.replied(rawRand()));
                case "create_canister" -> createCanister(request);
                case "install_code" -> installCode(request);
                case "update_settings" -> updateSettings(request);
                case "canister_status" -> canisterStatus(request);
                case "start_canister" -> start(request);
                case "stop_canister" -> stop(request);
                case "delete_canister" -> delete(request);
                case "deposit_cycles" -> depositCycles(request);
                default -> reject(request, DESTINATION_INVALID, "the management canister's method '"
                        + request.method() + "' is not callable from canisters on this host");
            };
        } catch (CanisterNotFoundException e) {
            return reject(request, DESTINATION_INVALID, e.getMessage());
        } catch (PreparationsBusyException e) {
            return reject(request, SYS_TRANSIENT, e.getMessage());
        } catch (ManagementCandid.InvalidArgument | CanisterStateException | InvalidSettingsException
                | InvalidInstallOptionException | InvalidModuleException | ModuleTooLargeException
                | NotController e) {
            return reject(request, Mailbox.CANISTER_ERROR, e.getMessage());
        }
    }

    /** 32 bytes from a CSPRNG, as Candid {@code (blob)}, stored with the response that carries them. */
    private byte[] rawRand() {
        byte[] reply = java.util.Arrays.copyOf(RAW_RAND_CANDID, RAW_RAND_CANDID.length + 32);
        byte[] random = new byte[32];
        entropy.nextBytes(random);
        System.arraycopy(random, 0, reply, RAW_RAND_CANDID.length, 32);
        return reply;
    }

    /** A new canister: controlled by {@code settings.controllers} or else the caller, holding the call's cycles. */
    private Mailbox.Written createCanister(ManagementRequest request) {
        ManagementCandid.Record arg = ManagementCandid.record(request.arg());
        List<String> controllers = arg.record("settings").flatMap(s -> s.principals("controllers"))
                .map(CanisterSettings::canonical)
                .orElse(List.of(request.caller()));
        return management.create(controllers, request.cycles(), id -> mailbox.writeAlone(ID,
                request.answer(Mailbox.Response.replied(ManagementReplies.canisterId(id)), request.cycles()), 0,
                0));
    }

    private Mailbox.Written installCode(ManagementRequest request) {
        ManagementCandid.Record arg = ManagementCandid.record(request.arg());
        String target = controlled(request, arg);
        Map.Entry<String, Object> mode = arg.variant("mode", "install", "reinstall", "upgrade");
        WasmMemoryPersistence persistence = null;
        if (mode.getValue() instanceof Map<?, ?> options) {
            ManagementCandid.Record upgrade = new ManagementCandid.Record(options);
            if (upgrade.optional("skip_pre_upgrade").map(Boolean.TRUE::equals).orElse(false)) {
                throw new ManagementCandid.InvalidArgument("skip_pre_upgrade is not supported on this host");
            }
            if (upgrade.optional("wasm_memory_persistence").isPresent()) {
                persistence = upgrade.variant("wasm_memory_persistence", "keep", "replace").getKey().equals("keep")
                        ? WasmMemoryPersistence.KEEP : WasmMemoryPersistence.REPLACE;
            }
        }
        // a canister's modules are validated under the determinism profile its own module was installed under
        String profile = canister(request.caller()).profile();
        Mailbox.Outbox outbox = request.answer(Mailbox.Response.replied(ManagementCandid.EMPTY), BigInteger.ZERO);
        CanisterManagement.InstallResult installed = management.install(target,
                InstallMode.valueOf(mode.getKey().toUpperCase(java.util.Locale.ROOT)), persistence,
                arg.blob("wasm_module"), arg.blob("arg"), CanisterId.parse(request.caller()).bytes(),
                profile != null ? DeterminismProfile.parse(profile) : null, outbox);
        if (installed.outcome() instanceof CallOutcome.Rejected failed) {
            return reject(request, Mailbox.CANISTER_ERROR, "installing code into canister " + target + " failed: "
                    + failed.message());
        }
        return outbox.written();
    }

    private Mailbox.Written updateSettings(ManagementRequest request) {
        ManagementCandid.Record arg = ManagementCandid.record(request.arg());
        String target = controlled(request, arg);
        ManagementCandid.Record changes = arg.record("settings").orElseThrow(
                () -> new ManagementCandid.InvalidArgument("field 'settings' is missing"));
        List<String> controllers = changes.principals("controllers").orElse(null);
        String visibility = changes.optional("log_visibility").isPresent()
                ? changes.variant("log_visibility", "controllers", "public").getKey() : null;
        return settings.update(target, controllers, visibility, null,
                () -> answer(request, Mailbox.Response.replied(ManagementCandid.EMPTY))).alongside();
    }

    private Mailbox.Written canisterStatus(ManagementRequest request) {
        String target = controlled(request, ManagementCandid.record(request.arg()));
        return answer(request, Mailbox.Response.replied(ManagementReplies.status(management.status(target))));
    }

    private Mailbox.Written start(ManagementRequest request) {
        String target = controlled(request, ManagementCandid.record(request.arg()));
        management.start(target);
        return answer(request, Mailbox.Response.replied(ManagementCandid.EMPTY));
    }

    /** Answers once the canister is stopped: its calls in flight finish first (see {@link CanisterManagement#stop}). */
    private Mailbox.Written stop(ManagementRequest request) {
        String target = controlled(request, ManagementCandid.record(request.arg()));
        management.stop(target);
        return answer(request, Mailbox.Response.replied(ManagementCandid.EMPTY));
    }

    private Mailbox.Written delete(ManagementRequest request) {
        String target = controlled(request, ManagementCandid.record(request.arg()));
        return management.delete(target, () -> answer(request, Mailbox.Response.replied(ManagementCandid.EMPTY)));
    }

    /**
     * Anyone may deposit: every cycle the call carried goes to the canister, between its executions and in the
     * answer's transaction (a new state version, so that its live copy reloads the balance).
     */
    private Mailbox.Written depositCycles(ManagementRequest request) {
        String target = ManagementCandid.record(request.arg()).principal("canister_id"); // in canonical form
        return executor.exclusive(target, true, () -> transactions.execute(tx -> {
            int rows = canisterRows.depositCycles(target, request.cycles());
            if (rows == 0) {
                throw new CanisterNotFoundException("no canister " + target);
            }
            return mailbox.writeAlone(ID, request.answer(Mailbox.Response.replied(ManagementCandid.EMPTY),
                    request.cycles()), 0, 0);
        }));
    }

    /** The {@code canister_id} of the argument, if the caller controls it. */
    private String controlled(ManagementRequest request, ManagementCandid.Record arg) {
        CanisterEntity target = canister(arg.principal("canister_id"));
        if (!target.controllers().contains(request.caller())) {
            throw new NotController("canister " + request.caller() + " is not a controller of canister "
                    + target.id() + "; its controllers are " + target.controllers());
        }
        return target.id();
    }

    /** The registry row of a canister, by its canonical id (what a full status adds is not needed here). */
    private CanisterEntity canister(String id) {
        return canisters.findById(id).orElseThrow(() -> new CanisterNotFoundException("no canister " + id));
    }

    private Mailbox.Written answer(ManagementRequest request, Mailbox.Response response) {
        return mailbox.writeAlone(ID, request.answer(response, BigInteger.ZERO), 0, 0);
    }

    private Mailbox.Written reject(ManagementRequest request, int code, String message) {
        return answer(request, Mailbox.Response.rejected(code, null, message));
    }

    private static final class NotController extends RuntimeException {
        NotController(String message) {
            super(message);
        }
    }
}
