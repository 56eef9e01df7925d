package com.canisterhost.execution;

import com.canisterhost.principal.CanisterId;
import com.dylibso.chicory.runtime.Memory;
import java.math.BigInteger;
import java.util.EnumSet;
import java.util.Set;

/**
 * The rest of the wasm32 System API: canister identity and status, stable memory (64-bit and legacy 32-bit),
 * cycles (a per-canister balance that only cycles_burn128 lowers), certified data, the global timer, costs,
 * environment variables, ingress inspection, and inter-canister calls: built here, performed with the commit of
 * the execution that made them (Mailbox), answered through reply and reject callbacks.
 */
final class SystemFunctions {

    private static final Set<EntryPoint> I = EnumSet.of(EntryPoint.INIT, EntryPoint.POST_UPGRADE);
    private static final Set<EntryPoint> I_G_U_T = EnumSet.of(EntryPoint.INIT, EntryPoint.POST_UPGRADE,
            EntryPoint.PRE_UPGRADE, EntryPoint.UPDATE, EntryPoint.HEARTBEAT, EntryPoint.GLOBAL_TIMER,
            EntryPoint.REPLY_CALLBACK, EntryPoint.REJECT_CALLBACK);
    private static final Set<EntryPoint> U_Q_CQ = EnumSet.of(EntryPoint.UPDATE, EntryPoint.QUERY,
            EntryPoint.COMPOSITE_QUERY);
    /** Where the caller's info exists: the message entry points, inspect_message included (U RQ NRQ CQ F). */
    private static final Set<EntryPoint> U_Q_CQ_F = EnumSet.of(EntryPoint.UPDATE, EntryPoint.QUERY,
            EntryPoint.COMPOSITE_QUERY, EntryPoint.INSPECT_MESSAGE);
    private static final Set<EntryPoint> U_T = EnumSet.of(EntryPoint.UPDATE, EntryPoint.HEARTBEAT,
            EntryPoint.GLOBAL_TIMER, EntryPoint.REPLY_CALLBACK, EntryPoint.REJECT_CALLBACK);
    private static final Set<EntryPoint> U_CQ_T = EnumSet.of(EntryPoint.UPDATE, EntryPoint.COMPOSITE_QUERY,
            EntryPoint.HEARTBEAT, EntryPoint.GLOBAL_TIMER, EntryPoint.REPLY_CALLBACK, EntryPoint.REJECT_CALLBACK);
    private static final Set<EntryPoint> RT = EnumSet.of(EntryPoint.REJECT_CALLBACK);
    private static final Set<EntryPoint> RY_RT = EnumSet.of(EntryPoint.REPLY_CALLBACK, EntryPoint.REJECT_CALLBACK);
    private static final Set<EntryPoint> F = EnumSet.of(EntryPoint.INSPECT_MESSAGE);
    private static final Set<EntryPoint> U_RQ = EnumSet.of(EntryPoint.UPDATE, EntryPoint.REPLY_CALLBACK,
            EntryPoint.REJECT_CALLBACK);
    private static final Set<EntryPoint> NRQ_CQ = EnumSet.of(EntryPoint.QUERY, EntryPoint.COMPOSITE_QUERY);
    /** The id this host gives its one subnet: a self-authenticating-style principal of 29 bytes. */
    private static final byte[] SUBNET = subnet();
    private static final int MAX_32_BIT_STABLE_PAGES = 65536;
    private static final int CERTIFIED_DATA_MAX = 32;
    /** The largest argument of an inter-canister call, as on the IC (2 MiB). */
    private static final int MAX_CALL_ARGUMENT = 2 * 1024 * 1024;
    /** The longest timeout of a best-effort call, as on the IC (the spec's MAX_CALL_TIMEOUT, 300 s). */
    private static final long MAX_CALL_TIMEOUT_SECONDS = 300;

    private SystemFunctions() {}

    static void define(SystemApi api) {
        byte[] none = new byte[0];
        api.define("msg_caller_info_data_size", U_Q_CQ_F, (m, mem, a) -> i32(0));
        api.define("msg_caller_info_data_copy", U_Q_CQ_F, (m, mem, a) -> SystemApi.copyOut("msg_caller_info_data_copy",
                none, m, mem, a));
        api.define("msg_caller_info_signer_size", U_Q_CQ_F, (m, mem, a) -> i32(0));
        api.define("msg_caller_info_signer_copy", U_Q_CQ_F, (m, mem, a) ->
                SystemApi.copyOut("msg_caller_info_signer_copy", none, m, mem, a));
        // reply and reject callbacks
        api.define("msg_reject_code", RT, (m, mem, a) -> i32(m.rejectCode));
        api.define("msg_reject_msg_size", RT, (m, mem, a) -> i32(rejectMessage(m).length));
        api.define("msg_reject_msg_copy", RT, (m, mem, a) -> SystemApi.copyOut("msg_reject_msg_copy",
                rejectMessage(m), m, mem, a));
        api.define("msg_cycles_refunded", RY_RT, (m, mem, a) -> i64(fits64("msg_cycles_refunded", "the refund",
                m.cyclesRefunded)));
        api.define("msg_cycles_refunded128", RY_RT, (m, mem, a) -> u128(mem, m, a[0], "msg_cycles_refunded128",
                m.cyclesRefunded));
        api.define("msg_method_name_size", F, (m, mem, a) -> i32(methodName(m).length));
        api.define("msg_method_name_copy", F, (m, mem, a) -> SystemApi.copyOut("msg_method_name_copy",
                methodName(m), m, mem, a));
        api.define("accept_message", F, (m, mem, a) -> {
            if (m.accepted) {
                throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0.accept_message: the message was already "
                        + "accepted");
            }
            m.accepted = true;
            return null;
        });
        api.define("msg_deadline", U_Q_CQ, (m, mem, a) -> i64(m.deadline));

        // cycles: a per-canister balance; ingress calls carry none; a call from another canister carries what its
        // caller moved onto it, the callee accepts some, and the rest goes back with the answer
        api.define("msg_cycles_available128", U_RQ, (m, mem, a) -> u128(mem, m, a[0], "msg_cycles_available128",
                available(m)));
        api.define("msg_cycles_accept128", U_RQ, (m, mem, a) -> u128(mem, m, a[2], "msg_cycles_accept128",
                accept(m, u128(a[0], a[1]))));
        api.define("cycles_burn128", I_G_U_T, SystemFunctions::burn);
        api.define("canister_cycle_balance128", SystemApi.ANY, (m, mem, a) -> u128(mem, m, a[0],
                "canister_cycle_balance128", m.execution.cycles()));
        api.define("canister_liquid_cycle_balance128", SystemApi.ANY, (m, mem, a) -> u128(mem, m, a[0],
                "canister_liquid_cycle_balance128", m.execution.cycles()));
        api.define("msg_cycles_available", U_RQ, (m, mem, a) -> i64(fits64("msg_cycles_available",
                "the available amount", available(m))));
        api.define("msg_cycles_accept", U_RQ, (m, mem, a) -> i64(accept(m, u128(0, a[0]).min(MAX_63)).longValue()));
        api.define("canister_cycle_balance", SystemApi.ANY, (m, mem, a) -> i64(fits64("canister_cycle_balance",
                "the balance", m.execution.cycles())));

        api.define("canister_self_size", SystemApi.ANY, (m, mem, a) -> i32(self(m).length));
        api.define("canister_self_copy", SystemApi.ANY, (m, mem, a) -> SystemApi.copyOut("canister_self_copy",
                self(m), m, mem, a));
        api.define("subnet_self_size", SystemApi.ANY, (m, mem, a) -> i32(SUBNET.length));
        api.define("subnet_self_copy", SystemApi.ANY, (m, mem, a) -> SystemApi.copyOut("subnet_self_copy", SUBNET, m,
                mem, a));
        api.define("canister_status", SystemApi.ANY, (m, mem, a) -> i32(m.canisterStatus.getAsInt()));
        api.define("canister_version", SystemApi.ANY, (m, mem, a) -> i64(m.canisterVersion));
        api.define("in_replicated_execution", SystemApi.ANY_AND_START, (m, mem, a) ->
                i32(m.entryPoint.replicated() && !m.composite ? 1 : 0));
        api.define("is_controller", SystemApi.ANY_AND_START, (m, mem, a) -> isController(api.controllers(), m, mem,
                a));
        // this host certifies nothing: no root key (the spec has no answer for its absence, so they trap) and no
        // data certificate (data_certificate_present says so; the others trap, as the spec has it)
        for (String rootKey : new String[] {"root_key_size", "root_key_copy"}) {
            api.define(rootKey, I_G_U_T, (m, mem, a) -> uncertified(rootKey, "has no root key"));
        }

        api.define("certified_data_set", I_G_U_T, SystemFunctions::certifiedDataSet);
        api.define("data_certificate_present", SystemApi.ANY, (m, mem, a) -> i32(0));
        for (String certificate : new String[] {"data_certificate_size", "data_certificate_copy"}) {
            api.define(certificate, NRQ_CQ, (m, mem, a) -> uncertified(certificate, "has no data certificate"));
        }
        api.define("global_timer_set", I_G_U_T, (m, mem, a) -> i64(m.execution.globalTimer(a[0])));

        // inter-canister calls: performed when the execution commits (a composite query's when it ends)
        api.define("call_new", U_CQ_T, SystemFunctions::callNew);
        api.define("call_on_cleanup", U_CQ_T, (m, mem, a) -> {
            building(m, "call_on_cleanup");
            if (m.callCleanupSet) {
                throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0.call_on_cleanup: the call already has "
                        + "a cleanup callback");
            }
            m.callCleanupSet = true;
            m.callCleanupFun = a[0];
            m.callCleanupEnv = a[1];
            return null;
        });
        api.define("call_data_append", U_CQ_T, (m, mem, a) -> {
            building(m, "call_data_append");
            byte[] data = SystemApi.read("call_data_append", m, mem, a[0], a[1]);
            if (m.callData.size() + (long) data.length > MAX_CALL_ARGUMENT) {
                throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0.call_data_append: the argument would "
                        + "exceed " + MAX_CALL_ARGUMENT + " bytes");
            }
            m.callData.writeBytes(data);
            return null;
        });
        api.define("call_with_best_effort_response", U_CQ_T, (m, mem, a) -> {
            building(m, "call_with_best_effort_response");
            if (m.callBestEffort) {
                throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0.call_with_best_effort_response: the "
                        + "call is already a best-effort call");
            }
            m.callBestEffort = true;
            m.callTimeoutSeconds = Math.min(Integer.toUnsignedLong((int) a[0]), MAX_CALL_TIMEOUT_SECONDS);
            return null;
        });
        api.define("call_cycles_add128", U_T, (m, mem, a) -> addCycles(m, "call_cycles_add128", u128(a[0], a[1])));
        api.define("call_cycles_add", U_T, (m, mem, a) -> addCycles(m, "call_cycles_add", u128(0, a[0])));
        api.define("call_perform", U_CQ_T, SystemFunctions::callPerform);

        // costs in cycles: the IC's fees on a 13-node application subnet (CyclesCostTable); nothing is charged here
        api.define("cost_call", SystemApi.ANY_AND_START, (m, mem, a) -> u128(mem, m, a[2], "cost_call",
                CyclesCostTable.call(a[0], a[1])));
        api.define("cost_create_canister", SystemApi.ANY_AND_START, (m, mem, a) -> u128(mem, m, a[0],
                "cost_create_canister", CyclesCostTable.createCanister()));
        api.define("cost_http_request", SystemApi.ANY_AND_START, (m, mem, a) -> u128(mem, m, a[2],
                "cost_http_request", CyclesCostTable.httpRequest(a[0], a[1])));
        for (CyclesCostTable.ThresholdKey key : CyclesCostTable.ThresholdKey.values()) {
            api.define(key.function, SystemApi.ANY_AND_START, (m, mem, a) -> thresholdKeyCost(key, m, mem, a));
        }

        // environment variables: the canister's, as of the start of the execution (Message.environment)
        api.define("env_var_count", SystemApi.ANY, (m, mem, a) -> i32(m.environment.count()));
        api.define("env_var_name_size", SystemApi.ANY, (m, mem, a) -> i32(variableAt(m, "env_var_name_size", a[0])
                .length));
        api.define("env_var_name_copy", SystemApi.ANY, (m, mem, a) -> SystemApi.copyOut("env_var_name_copy",
                variableAt(m, "env_var_name_copy", a[0]), m, mem, a[1], a[2], a[3]));
        api.define("env_var_name_exists", SystemApi.ANY, (m, mem, a) ->
                i32(m.environment.value(variableName(m, mem, "env_var_name_exists", a[0], a[1])) != null ? 1 : 0));
        api.define("env_var_value_size", SystemApi.ANY, (m, mem, a) -> i32(value(m, mem, "env_var_value_size", a[0],
                a[1]).length));
        api.define("env_var_value_copy", SystemApi.ANY, (m, mem, a) -> SystemApi.copyOut("env_var_value_copy",
                value(m, mem, "env_var_value_copy", a[0], a[1]), m, mem, a[2], a[3], a[4]));

        StableMemoryFunctions.define(api);
    }

    private static byte[] methodName(Message message) {
        return message.methodName.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] self(Message message) {
        return CanisterId.parse(message.execution.canisterId()).bytes();
    }

    private static long[] isController(ControllerLookup controllers, Message message, Memory memory,
            long[] args) {
        byte[] principal = SystemApi.read("is_controller", message, memory, args[0], args[1]);
        if (principal.length > 29) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0.is_controller: not a principal ("
                    + principal.length + " bytes)");
        }
        return i32(controllers.isController(message.canisterId, principal) ? 1 : 0);
    }

    private static long[] certifiedDataSet(Message message, Memory memory, long[] args) {
        byte[] data = SystemApi.read("certified_data_set", message, memory, args[0], args[1]);
        if (data.length > CERTIFIED_DATA_MAX) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0.certified_data_set: at most 32 bytes, not "
                    + data.length);
        }
        message.execution.certifiedData(data);
        return null;
    }

    private static long[] callNew(Message message, Memory memory, long[] args) {
        byte[] callee = SystemApi.read("call_new", message, memory, args[0], args[1]);
        String method = SystemApi.utf8("call_new", SystemApi.read("call_new", message, memory, args[2], args[3]),
                "the method name");
        if (callee.length > 29) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0.call_new: the callee is not a principal ("
                    + callee.length + " bytes)");
        }
        discardCall(message); // an unfinished call is dropped, its cycles returned
        message.callUnderConstruction = true;
        message.callCallee = new CanisterId(callee).toText();
        message.callMethod = method;
        message.callCallbacks = new long[] {args[4], args[5], args[6], args[7]};
        message.callCleanupSet = false;
        message.callCleanupFun = null;
        message.callCleanupEnv = null;
        message.callBestEffort = false;
        message.callData.reset();
        return null;
    }

    /**
     * Performs the call under construction: it goes out with the execution's commit, and not at all if the
     * execution traps; a composite query's calls run when the query's execution ends (CompositeQuery). 0, or 2
     * (not performed, its cycles back on the balance) when the canister has {@code max-outstanding-calls}
     * calls awaiting their response already.
     */
    private static long[] callPerform(Message message, Memory memory, long[] args) {
        building(message, "call_perform");
        if (message.outstandingBefore < 0) {
            message.outstandingBefore = message.outstandingCalls.getAsLong();
        }
        if (message.outstandingBefore + message.performed.size() >= message.maxOutstandingCalls
                && !message.outstandingCounted) { // the estimate may be high: count before refusing
            message.outstandingCounted = true;
            message.outstandingBefore = message.countOutstandingCalls.getAsLong();
        }
        if (message.outstandingBefore + message.performed.size() >= message.maxOutstandingCalls) {
            discardCall(message); // too many calls await their response: not performed, as for a full queue
            return i32(2);
        }
        long[] callbacks = message.callCallbacks;
        message.performed.add(new com.canisterhost.state.Mailbox.Request(message.callCallee, message.callMethod,
                message.callData.toByteArray(), message.callCycles, callbacks[0], callbacks[1], callbacks[2],
                callbacks[3], message.callCleanupFun, message.callCleanupEnv,
                message.callBestEffort ? message.timeNanos + message.callTimeoutSeconds * 1_000_000_000L : 0));
        message.callCycles = BigInteger.ZERO; // they travel with the call now
        message.callUnderConstruction = false;
        return i32(0);
    }

    private static final BigInteger MAX_63 = BigInteger.valueOf(Long.MAX_VALUE);

    /** The cycles of the call not accepted yet (none but in the execution of a request that carries some). */
    private static BigInteger available(Message message) {
        return message.cyclesAvailable.subtract(message.cyclesAccepted);
    }

    /** Moves up to {@code max} of the available cycles onto the balance; the amount moved. */
    private static BigInteger accept(Message message, BigInteger max) {
        BigInteger amount = max.min(available(message));
        message.cyclesAccepted = message.cyclesAccepted.add(amount);
        message.execution.cycles(message.execution.cycles().add(amount));
        return amount;
    }

    /** An amount of cycles for a legacy 64-bit function; traps if it needs the function's 128-bit twin. */
    private static long fits64(String function, String what, BigInteger amount) {
        if (amount.bitLength() > 63) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0." + function + ": " + what + " does not fit "
                    + "in 64 bits; use " + function + "128");
        }
        return amount.longValueExact();
    }

    private static byte[] rejectMessage(Message message) {
        return message.rejectMessageIn.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Drops the call under construction, if any, and returns the cycles moved onto it to the balance. */
    static void discardCall(Message message) {
        message.callUnderConstruction = false;
        if (message.callCycles.signum() > 0) {
            message.execution.cycles(message.execution.cycles().add(message.callCycles));
            message.callCycles = BigInteger.ZERO;
        }
    }

    private static long[] addCycles(Message message, String function, BigInteger amount) {
        building(message, function);
        BigInteger balance = message.execution.cycles();
        if (amount.compareTo(balance) > 0) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0." + function + ": " + amount
                    + " cycles is more than the balance of " + balance);
        }
        message.execution.cycles(balance.subtract(amount));
        message.callCycles = message.callCycles.add(amount);
        return null;
    }

    private static long[] burn(Message message, Memory memory, long[] args) {
        BigInteger balance = message.execution.cycles();
        BigInteger burned = u128(args[0], args[1]).min(balance);
        message.execution.cycles(balance.subtract(burned));
        return u128(memory, message, args[2], "cycles_burn128", burned);
    }

    /** The unsigned 128-bit number {@code high * 2^64 + low}. */
    private static BigInteger u128(long high, long low) {
        return new BigInteger(Long.toUnsignedString(high)).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(low)));
    }

    private static long[] building(Message message, String function) {
        if (!message.callUnderConstruction) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0." + function + ": no call under construction "
                    + "(call ic0.call_new first)");
        }
        return null;
    }

    /** The fee of a threshold key (src, size: its name; a curve or algorithm; dst), or why there is none. */
    private static long[] thresholdKeyCost(CyclesCostTable.ThresholdKey key, Message message, Memory memory,
            long[] args) {
        byte[] name = SystemApi.read(key.function, message, memory, args[0], args[1]);
        // the 16 bytes at dst must be in the heap even when the answer leaves them untouched
        SystemApi.checkRange(key.function, memory, Integer.toUnsignedLong((int) args[3]), 16);
        int answer = key.check((int) args[2], name);
        if (answer == 0) {
            u128(memory, message, args[3], key.function, key.fee());
        }
        return i32(answer);
    }

    private static long[] uncertified(String function, String what) {
        throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0." + function + ": this host " + what
                + " (it certifies nothing)");
    }

    /** The name of the variable at {@code index} (unsigned); traps past the last one. */
    private static byte[] variableAt(Message message, String function, long index) {
        long at = Integer.toUnsignedLong((int) index);
        int count = message.environment.count();
        if (at >= count) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0." + function + ": index " + at
                    + " is out of range: the canister has " + count + " environment variables");
        }
        return message.environment.name((int) at);
    }

    /** The variable name at (src, size): at most as long as a name can be, and UTF-8, else the call traps. */
    private static String variableName(Message message, Memory memory, String function, long src, long size) {
        long length = Integer.toUnsignedLong((int) size);
        if (length > Environment.MAX_NAME_BYTES) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0." + function + ": a variable name is at most "
                    + Environment.MAX_NAME_BYTES + " bytes, not " + length);
        }
        return SystemApi.utf8(function, SystemApi.read(function, message, memory, src, size), "the variable name");
    }

    /** The value of the variable named at (src, size); traps if there is none. */
    private static byte[] value(Message message, Memory memory, String function, long src, long size) {
        String name = variableName(message, memory, function, src, size);
        byte[] value = message.environment.value(name);
        if (value == null) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0." + function + ": the canister has no "
                    + "environment variable '" + name + "'");
        }
        return value;
    }

    /** Writes a 128-bit little-endian amount of cycles at {@code dst}. */
    private static long[] u128(Memory memory, Message message, long dst, String function, BigInteger amount) {
        long address = Integer.toUnsignedLong((int) dst);
        SystemApi.checkRange(function, memory, address, 16);
        byte[] bytes = new byte[16];
        byte[] big = amount.toByteArray(); // big-endian, maybe with a sign byte
        for (int i = 0; i < Math.min(16, big.length); i++) {
            bytes[i] = big[big.length - 1 - i];
        }
        memory.write((int) address, bytes, 0, 16);
        return null;
    }

    static long[] i32(int value) {
        return new long[] {value};
    }

    static long[] i64(long value) {
        return new long[] {value};
    }

    private static byte[] subnet() {
        byte[] id = new byte[29];
        id[28] = 0x02;
        return id;
    }

    static int maxThirtyTwoBitStablePages() {
        return MAX_32_BIT_STABLE_PAGES;
    }
}
