package com.canisterhost.execution;

import com.canisterhost.state.CanisterMemory;
import com.dylibso.chicory.runtime.Memory;

/**
 * Stable memory: the 64-bit API and the legacy 32-bit one (which traps once stable memory is larger than 4 GiB and
 * refuses to grow past it). Bytes move between the heap and stable memory, one instruction charged per byte.
 */
final class StableMemoryFunctions {

    private StableMemoryFunctions() {}

    static void define(SystemApi api) {
        api.define("stable64_size", SystemApi.ANY_AND_START, (m, mem, a) -> SystemFunctions.i64(stable(m).pages()));
        api.define("stable64_grow", SystemApi.ANY_AND_START, (m, mem, a) -> SystemFunctions.i64(grow(m, a[0],
                Long.MAX_VALUE)));
        api.define("stable64_write", SystemApi.ANY_AND_START, (m, mem, a) -> write("stable64_write", m, mem, a[0],
                a[1], a[2]));
        api.define("stable64_read", SystemApi.ANY_AND_START, (m, mem, a) -> read("stable64_read", m, mem, a[0],
                a[1], a[2]));
        api.define("stable_size", SystemApi.ANY_AND_START, (m, mem, a) -> SystemFunctions.i32(legacy(m, "stable_size")));
        api.define("stable_grow", SystemApi.ANY_AND_START, (m, mem, a) -> {
            legacy(m, "stable_grow");
            return SystemFunctions.i32((int) grow(m, Integer.toUnsignedLong((int) a[0]),
                    SystemFunctions.maxThirtyTwoBitStablePages()));
        });
        api.define("stable_write", SystemApi.ANY_AND_START, (m, mem, a) -> {
            legacy(m, "stable_write");
            return write("stable_write", m, mem, u32(a[0]), u32(a[1]), u32(a[2]));
        });
        api.define("stable_read", SystemApi.ANY_AND_START, (m, mem, a) -> {
            legacy(m, "stable_read");
            return read("stable_read", m, mem, u32(a[0]), u32(a[1]), u32(a[2]));
        });
    }

    private static CanisterMemory stable(Message message) {
        return message.execution.stable();
    }

    /** Grows by {@code pages}; the old size, or -1 if stable memory cannot grow that far. */
    private static long grow(Message message, long pages, long limit) {
        CanisterMemory stable = stable(message);
        if (pages < 0 || stable.pages() + pages > limit || pages > Integer.MAX_VALUE) {
            return -1;
        }
        return stable.grow((int) pages);
    }

    private static int legacy(Message message, String function) {
        int pages = stable(message).pages();
        if (pages > SystemFunctions.maxThirtyTwoBitStablePages()) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0." + function + ": stable memory is larger "
                    + "than 4 GiB; use the stable64 API");
        }
        return pages;
    }

    private static long[] write(String function, Message message, Memory heap, long offset, long src, long size) {
        checkStable(function, message, offset, size);
        byte[] bytes = SystemApi.read(function, message, heap, src, size);
        stable(message).write((int) offset, bytes, 0, bytes.length);
        return null;
    }

    private static long[] read(String function, Message message, Memory heap, long dst, long offset, long size) {
        checkStable(function, message, offset, size);
        long address = Integer.toUnsignedLong((int) dst);
        SystemApi.checkRange(function, heap, address, size);
        SystemApi.charge(message, size);
        heap.write((int) address, stable(message).readBytes((int) offset, (int) size), 0, (int) size);
        return null;
    }

    private static void checkStable(String function, Message message, long offset, long size) {
        long stableSize = (long) stable(message).pages() * Memory.PAGE_SIZE;
        if (offset < 0 || size < 0 || offset + size > stableSize || offset + size < 0) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "ic0." + function + ": stable memory range "
                    + offset + "+" + size + " is outside the " + stableSize + "-byte stable memory");
        }
    }

    private static long u32(long value) {
        return Integer.toUnsignedLong((int) value);
    }
}
