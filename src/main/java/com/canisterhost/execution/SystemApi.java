package com.canisterhost.execution;

import com.canisterhost.module.HostFunctionCatalog;
import com.canisterhost.module.SystemApiSignatures;
import com.canisterhost.state.LogEntry;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The {@code ic0} functions this host implements. Each checks that it is called from an entry point where the
 * interface spec allows it, bounds-checks every memory range, and traps (never throws a Java exception into the
 * canister) when a rule is broken.
 */
@Component
class SystemApi implements HostFunctionCatalog {

    private static final Logger canisterLog = LoggerFactory.getLogger("canister");

    static final Set<EntryPoint> ANY = EnumSet.complementOf(EnumSet.of(EntryPoint.START));
    static final Set<EntryPoint> ANY_AND_START = EnumSet.allOf(EntryPoint.class);
    private static final Set<EntryPoint> WITH_ARGUMENT = EnumSet.of(EntryPoint.INIT, EntryPoint.POST_UPGRADE,
            EntryPoint.UPDATE, EntryPoint.QUERY, EntryPoint.COMPOSITE_QUERY, EntryPoint.INSPECT_MESSAGE,
            EntryPoint.REPLY_CALLBACK);
    private static final Set<EntryPoint> RESPONDING = EnumSet.of(EntryPoint.UPDATE, EntryPoint.QUERY,
            EntryPoint.COMPOSITE_QUERY, EntryPoint.REPLY_CALLBACK, EntryPoint.REJECT_CALLBACK);
    /** Where there is a caller: not in callbacks (the spec's I G U RQ NRQ CQ F, and system tasks here). */
    private static final Set<EntryPoint> WITH_CALLER = EnumSet.complementOf(EnumSet.of(EntryPoint.START,
            EntryPoint.REPLY_CALLBACK, EntryPoint.REJECT_CALLBACK, EntryPoint.CLEANUP));

    /** Prints one message keeps for the log; the log itself keeps far fewer, this only bounds memory. */
    private static final int MAX_PRINTS_PER_MESSAGE = 1000;

    private final long maxReplySize;
    private final int maxLogEntrySize;
    private final ControllerLookup controllers;
    private final EnvironmentLookup environments;
    private final Map<String, Definition> definitions = new LinkedHashMap<>();
    private final ThreadLocal<Message> current = new ThreadLocal<>();
    private final Map<String, HostFunction> byName = new java.util.HashMap<>();
    /** The same functions with the types of a module whose memory is 64-bit (the legacy ones do not exist there). */
    private final Map<String, HostFunction> byName64 = new java.util.HashMap<>();

    private record Definition(Set<EntryPoint> allowed, Handler handler) {}

    @FunctionalInterface
    interface Handler {
        long[] apply(Message message, Memory memory, long[] args);
    }

    SystemApi(ExecutionProperties properties, ControllerLookup controllers, EnvironmentLookup environments) {
        this.maxReplySize = properties.maxReplySize().toBytes();
        this.maxLogEntrySize = (int) properties.maxLogEntrySize().toBytes();
        this.controllers = controllers;
        this.environments = environments;
        define("msg_arg_data_size", WITH_ARGUMENT, (m, mem, a) -> i32(m.arg.length));
        define("msg_arg_data_copy", WITH_ARGUMENT, (m, mem, a) -> copyOut("msg_arg_data_copy", m.arg, m, mem, a));
        define("msg_caller_size", WITH_CALLER, (m, mem, a) -> i32(m.caller.length));
        define("msg_caller_copy", WITH_CALLER, (m, mem, a) -> copyOut("msg_caller_copy", m.caller, m, mem, a));
        define("msg_reply_data_append", RESPONDING, this::replyDataAppend);
        define("msg_reply", RESPONDING, (m, mem, a) -> reply(m));
        define("msg_reject", RESPONDING, SystemApi::reject);
        define("trap", ANY_AND_START, (m, mem, a) -> {
            String text = new String(read("trap", m, mem, a[0], a[1]), StandardCharsets.UTF_8);
            throw new CanisterTrap(RejectKind.CALLED_TRAP, "canister called ic0.trap: " + text);
        });
        define("debug_print", ANY_AND_START, this::debugPrint);
        define("time", ANY, (m, mem, a) -> new long[] {m.timeNanos});
        define("performance_counter", ANY_AND_START, SystemApi::performanceCounter);
        SystemFunctions.define(this);
        definitions.forEach((name, definition) -> {
            SystemApiSignatures.Signature signature = SystemApiSignatures.of(name).orElseThrow();
            byName.put(name, host(name, definition, signature, false));
            if (!signature.legacy()) {
                byName64.put(name, host(name, definition, signature, true));
            }
        });
    }

    /** What a call costs before any bytes it copies (the IC's "new" System API metering). */
    private static long fixedCost(String function) {
        return switch (function) {
            case "debug_print" -> 100;
            case "performance_counter" -> 200;
            default -> 500;
        };
    }

    /** Charges the message's instruction counter; past the limit, the call traps. */
    static void charge(Message message, long instructions) {
        long left = message.counter.getValue() - instructions;
        message.counter.setValue(left);
        if (left < 0) {
            throw new CanisterTrap(RejectKind.INSTRUCTION_LIMIT, "the message exceeded its instruction limit");
        }
    }

    private static long[] performanceCounter(Message message, Memory memory, long[] args) {
        int type = (int) args[0];
        if (type != 0 && type != 1) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0.performance_counter: unknown counter type "
                    + type);
        }
        // 0: instructions of this message so far; 1: of the call context, which here is the same message.
        return new long[] {message.instructionLimit - message.counter.getValue()};
    }

    ControllerLookup controllers() {
        return controllers;
    }

    /** The environment variables an execution of {@code canister} starts with (looked up only if it can read them). */
    Environment environmentOf(LiveCanister canister) {
        return canister.readsEnvironment ? environments.environment(canister.id) : Environment.EMPTY;
    }

    void define(String name, Set<EntryPoint> allowed, Handler handler) {
        definitions.put(name, new Definition(allowed, handler));
    }

    @Override
    public boolean provides(String ic0Function) {
        return definitions.containsKey(ic0Function);
    }

    /**
     * The host functions {@code module} imports, in its import order. They are built once: each finds the message
     * it serves in {@link #current}, which the execution running on this thread sets (an execution runs on one
     * thread at a time). In import order, Chicory links every import to its first candidate instead of searching
     * all of them for each, on every instance it builds. An import this host lacks is left out, so linking reports
     * it. A module whose memory is 64-bit ({@code memory64}) gets them with i64 pointers and sizes.
     */
    HostFunction[] functionsFor(com.dylibso.chicory.wasm.WasmModule module, boolean memory64) {
        Map<String, HostFunction> byName = memory64 ? this.byName64 : this.byName;
        List<HostFunction> imported = new ArrayList<>();
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            if (imports.getImport(i) instanceof com.dylibso.chicory.wasm.types.FunctionImport function
                    && "ic0".equals(function.module())) {
                HostFunction host = byName.get(function.name());
                if (host != null) {
                    imported.add(host);
                }
            }
        }
        return imported.toArray(new HostFunction[0]);
    }

    /** Makes {@code message} the one this thread's host function calls serve (null: none). */
    void serve(Message message) {
        if (message == null) {
            current.remove();
        } else {
            current.set(message);
        }
    }

    /**
     * The host function for one {@code ic0} import, with the types of a 32-bit or a 64-bit module. The handlers are
     * written once, for 32-bit pointers: a 64-bit module's arguments reach them narrowed ({@link Narrowing}), and
     * their results (sizes) are returned as i64 where the module's type says so.
     */
    private HostFunction host(String name, Definition definition, SystemApiSignatures.Signature signature,
            boolean memory64) {
        Narrowing narrowing = Narrowing.of(name, signature, memory64);
        WasmFunctionHandle handle = (Instance instance, long... args) -> {
            Message message = current.get();
            if (!definition.allowed().contains(message.entryPoint)) {
                throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0." + name + " cannot be called from "
                        + message.entryPoint.exportName("").trim() + " (context " + message.entryPoint.context
                        + ")");
            }
            charge(message, fixedCost(name));
            return definition.handler().apply(message, instance.memory(), narrowing.apply(name, args));
        };
        return new HostFunction("ic0", name, FunctionType.of(signature.paramTypes(memory64),
                signature.resultTypes(memory64)), handle);
    }

    /**
     * How i64 arguments that are heap addresses, sizes or indices reach handlers that read them as u32: the heap
     * and every buffer are smaller than 4 GiB, so an address, size or offset of 2^32 or more traps as out of bounds
     * ({@code checked}; in a 32-bit module too, for the always-i64 addresses of {@code stable64_read/write}); an
     * index or function of 2^32 or more, and {@code debug_print}'s range (debug_print never traps), become
     * 0xffffffff, which names nothing and reaches nowhere ({@code saturated}). A callback's {@code env} is an opaque
     * value, passed on as it is.
     */
    private record Narrowing(int[] checked, int[] saturated) {

        static Narrowing of(String name, SystemApiSignatures.Signature signature, boolean memory64) {
            List<Integer> checked = new ArrayList<>();
            List<Integer> saturated = new ArrayList<>();
            for (int i = 0; i < signature.params().size(); i++) {
                SystemApiSignatures.Kind kind = signature.params().get(i);
                if (kind.type(memory64) != ValType.I64) {
                    continue;
                }
                boolean address = kind == SystemApiSignatures.Kind.ADDRESS
                        || kind == SystemApiSignatures.Kind.HEAP_ADDRESS_64;
                if (address && !name.equals("debug_print")) {
                    checked.add(i);
                } else if (address || kind == SystemApiSignatures.Kind.INDEX) {
                    saturated.add(i);
                }
            }
            return new Narrowing(checked.stream().mapToInt(Integer::intValue).toArray(),
                    saturated.stream().mapToInt(Integer::intValue).toArray());
        }

        long[] apply(String function, long[] args) {
            for (int i : checked) {
                if (args[i] >>> 32 != 0) {
                    throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0." + function + ": argument " + i
                            + " is " + Long.toUnsignedString(args[i]) + ", out of bounds of the heap and of every "
                            + "buffer (all smaller than 4 GiB)");
                }
            }
            long[] narrowed = args;
            for (int i : saturated) {
                if (args[i] >>> 32 != 0) {
                    narrowed = narrowed == args ? args.clone() : narrowed;
                    narrowed[i] = 0xffffffffL;
                }
            }
            return narrowed;
        }
    }

    private long[] replyDataAppend(Message message, Memory memory, long[] args) {
        requireNoResponse(message, "msg_reply_data_append");
        byte[] data = read("msg_reply_data_append", message, memory, args[0], args[1]);
        if (message.replyBuffer.size() + (long) data.length > maxReplySize) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION,
                    "ic0.msg_reply_data_append: the reply would exceed " + maxReplySize + " bytes");
        }
        message.replyBuffer.writeBytes(data);
        return null;
    }

    private static long[] reply(Message message) {
        requireNoResponse(message, "msg_reply");
        message.response = Message.Response.REPLIED;
        message.reply = message.replyBuffer.toByteArray();
        return null;
    }

    private static long[] reject(Message message, Memory memory, long[] args) {
        requireNoResponse(message, "msg_reject");
        message.rejectMessage = utf8("msg_reject", read("msg_reject", message, memory, args[0], args[1]),
                "the message");
        message.response = Message.Response.REJECTED;
        return null;
    }

    private static void requireNoResponse(Message message, String function) {
        if (message.contextAnswered) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION,
                    "ic0." + function + ": the call was already answered (by an earlier execution)");
        }
        if (message.response != Message.Response.NONE) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION,
                    "ic0." + function + ": the call was already " + message.response.name().toLowerCase() + " to");
        }
    }

    private long[] debugPrint(Message message, Memory memory, long[] args) {
        // debug_print never traps for its range: it prints what is readable, cut at the log entry cap, and is charged
        // for the bytes it copies, like every blob function (past the instruction limit it traps like them too)
        long size = memory.pages() * (long) Memory.PAGE_SIZE;
        long src = Math.min(Integer.toUnsignedLong((int) args[0]), size);
        long length = Math.min(Integer.toUnsignedLong((int) args[1]), Math.min(size - src, maxLogEntrySize));
        charge(message, length);
        String text = new String(memory.readBytes((int) src, (int) length), StandardCharsets.UTF_8);
        canisterLog.debug("[{}] {}", message.canisterId, text);
        if (message.prints.size() < MAX_PRINTS_PER_MESSAGE) {
            message.prints.add(LogEntry.print(message.timeNanos, text));
        }
        return null;
    }

    /** The text {@code bytes} hold; traps naming {@code what} unless they are well-formed UTF-8. */
    static String utf8(String function, byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0." + function + ": " + what
                    + " is not valid UTF-8");
        }
    }

    /** The blob idiom's copy: args are (dst, offset, size). */
    static long[] copyOut(String function, byte[] source, Message message, Memory memory, long[] args) {
        return copyOut(function, source, message, memory, args[0], args[1], args[2]);
    }

    static long[] copyOut(String function, byte[] source, Message message, Memory memory, long dstArg,
            long offsetArg, long sizeArg) {
        long dst = Integer.toUnsignedLong((int) dstArg);
        long offset = Integer.toUnsignedLong((int) offsetArg);
        long size = Integer.toUnsignedLong((int) sizeArg);
        if (offset + size > source.length) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0." + function + ": range " + offset + "+" + size
                    + " is outside the " + source.length + "-byte source");
        }
        checkRange(function, memory, dst, size);
        charge(message, size); // one instruction per byte copied
        memory.write((int) dst, source, (int) offset, (int) size);
        return null;
    }

    static byte[] read(String function, Message message, Memory memory, long srcArg, long sizeArg) {
        long src = Integer.toUnsignedLong((int) srcArg);
        long size = Integer.toUnsignedLong((int) sizeArg);
        checkRange(function, memory, src, size);
        charge(message, size); // one instruction per byte copied
        return memory.readBytes((int) src, (int) size);
    }

    static void checkRange(String function, Memory memory, long address, long size) {
        long memorySize = memory.pages() * (long) Memory.PAGE_SIZE;
        if (address + size > memorySize) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0." + function + ": memory range " + address
                    + "+" + size + " is outside the " + memorySize + "-byte heap");
        }
    }

    private static long[] i32(int value) {
        return new long[] {value};
    }

}
