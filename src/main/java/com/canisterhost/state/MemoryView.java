package com.canisterhost.state;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * What the heap ({@link HeapMemory}) and stable memory ({@link CanisterMemory}) have in common: a Wasm memory over a
 * {@link CommittedHeap}, with its size, its growth up to the lower of the declared maximum and the host's cap, its
 * data segments, no atomics, and the changes an execution made to it. The subclasses differ in how they hold the
 * bytes, which is what every access costs.
 */
abstract sealed class MemoryView implements Memory permits CanisterMemory, HeapMemory {

    /**
     * The 4 KiB page both memories track (the IC's dirty-tracking granularity). It hides {@link Memory#PAGE_SIZE},
     * the 64 KiB Wasm page, which this package always writes out as {@code Memory.PAGE_SIZE}.
     */
    static final int PAGE_SIZE = 4096;
    static final int PAGES_PER_WASM_PAGE = Memory.PAGE_SIZE / PAGE_SIZE;
    static final int SHIFT = 12;
    static final int MASK = PAGE_SIZE - 1;
    static final byte[] ZERO_PAGE = new byte[PAGE_SIZE]; // read-only by construction: never handed out for writing
    static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    final MemoryLimits limits;
    private final int heapCap;
    /** Whether {@link #initialize} writes the module's active data segments (a fresh or kept heap). */
    boolean applyDataSegments;
    private DataSegment[] dataSegments;
    int wasmPages;
    /** The size in bytes (at most 64 KiB short of 2 GiB, so an int): what every access is checked against. */
    int limit;

    MemoryView(CommittedHeap heap, MemoryLimits limits, int heapCap, boolean applyDataSegments) {
        this.limits = limits;
        this.heapCap = heapCap;
        this.applyDataSegments = applyDataSegments;
        this.wasmPages = Math.max(heap.wasmPages(), limits.initialPages());
        this.limit = wasmPages * Memory.PAGE_SIZE;
    }

    /**
     * The 4 KiB pages this execution changed, by page index, with their new content. A page written back with the
     * bytes it had is not changed (canisters use scratch space that way), so it is not persisted again.
     */
    public abstract Map<Integer, byte[]> dirtyPages();

    /** The memory after this execution, to publish once it is committed; follow it with {@link #rebase}. */
    public abstract CommittedHeap toCommitted();

    /** Goes on over {@code committed}, the state {@link #toCommitted} just made of this memory. */
    public abstract void rebase(CommittedHeap committed);

    /** Becomes {@code committed}, dropping every write and growth since. */
    public abstract void reset(CommittedHeap committed);

    /** Sets the size, as {@link #reset} does. */
    final void resize(int pages) {
        wasmPages = Math.max(pages, limits.initialPages());
        limit = wasmPages * Memory.PAGE_SIZE;
    }

    /** An access of {@code length} bytes at {@code address}: int arithmetic only ({@code limit - length} cannot wrap). */
    final void check(int address, int length) {
        if (address < 0 || length < 0 || address > limit - length) {
            throw new WasmRuntimeException("out of bounds memory access");
        }
    }

    @Override
    public final void copy(int dest, int src, int size) {
        check(dest, size);
        check(src, size);
        if (size != 0 && dest != src) {
            copyWithin(dest, src, size);
        }
    }

    /** {@code memory.copy} of {@code size > 0} checked bytes between different addresses, overlapping or not. */
    abstract void copyWithin(int dest, int src, int size);

    /** After a grow to {@code pages} Wasm pages (at most {@code cap}): whatever the representation must do. */
    abstract void grown(int pages, int cap);

    @Override
    public final int pages() {
        return wasmPages;
    }

    @Override
    public final int grow(int size) {
        int old = wasmPages;
        long wanted = (long) old + size;
        int cap = Math.min(Math.min(limits.maximumPages(), heapCap), Memory.RUNTIME_MAX_PAGES);
        if (size < 0 || wanted > cap) {
            return -1;
        }
        wasmPages = (int) wanted;
        limit = wasmPages * Memory.PAGE_SIZE;
        grown(wasmPages, cap);
        return old;
    }

    @Override
    public final int initialPages() {
        return limits.initialPages();
    }

    @Override
    public final int maximumPages() {
        return Math.min(limits.maximumPages(), Memory.RUNTIME_MAX_PAGES);
    }

    @Override
    public final boolean shared() {
        return false;
    }

    @Override
    public final Object lock(int address) {
        return this;
    }

    @Override
    public final int waitOn(int address, int expected, long timeout) {
        throw new ChicoryException("atomics are not supported");
    }

    @Override
    public final int waitOn(int address, long expected, long timeout) {
        throw new ChicoryException("atomics are not supported");
    }

    @Override
    public final int notify(int address, int maxThreads) {
        throw new ChicoryException("atomics are not supported");
    }

    @Override
    public final void zero() {
        // A memory starts as the committed one (or all zero for a fresh module): nothing to clear.
    }

    @Override
    public final void initialize(Instance instance, DataSegment[] segments) {
        initialize(instance, segments, 0);
    }

    @Override
    public final void initialize(Instance instance, DataSegment[] segments, int memoryIndex) {
        this.dataSegments = segments; // kept for memory.init, also when restoring
        if (!applyDataSegments || segments == null) {
            return;
        }
        for (DataSegment segment : segments) {
            if (segment instanceof ActiveDataSegment active && active.index() == memoryIndex) {
                int offset = (int) active.offsetInstructions().get(0).operand(0);
                byte[] data = active.data();
                if (offset < 0 || offset > limit - data.length) {
                    throw new UninstantiableException("out of bounds memory access");
                }
                write(offset, data, 0, data.length);
            }
        }
    }

    @Override
    public final void initPassiveSegment(int segmentId, int dest, int offset, int size) {
        byte[] data = dataSegments[segmentId].data();
        if (offset < 0 || size < 0 || offset + (long) size > data.length) {
            throw new WasmRuntimeException("out of bounds memory access");
        }
        write(dest, data, offset, size);
    }

    @Override
    public final void drop(int segment) {
        dataSegments[segment] = PassiveDataSegment.EMPTY;
    }

    @Override
    public final long readU16(int address) {
        return readShort(address) & 0xffffL;
    }

    @Override
    public final long readF32(int address) {
        return readInt(address) & 0xffffffffL;
    }

    @Override
    public final float readFloat(int address) {
        return Float.intBitsToFloat(readInt(address));
    }

    @Override
    public final long readF64(int address) {
        return readLong(address);
    }

    @Override
    public final double readDouble(int address) {
        return Double.longBitsToDouble(readLong(address));
    }

    @Override
    public final void writeF32(int address, float value) {
        writeI32(address, Float.floatToRawIntBits(value));
    }

    @Override
    public final void writeF64(int address, double value) {
        writeLong(address, Double.doubleToRawLongBits(value));
    }
}
