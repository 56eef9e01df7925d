package com.canisterhost.state;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A canister's heap as one execution sees it: a copy-on-write view of a {@link CommittedHeap}. Reads go to the
 * committed pages; the first write to a 4 KiB page copies it, so an execution costs memory and time in proportion to
 * the pages it dirties, rolling back is dropping the view, and committing hands the view's page array over as the
 * next committed heap. 4 KiB is the IC's dirty-tracking granularity; bench/RESULTS.md records the measurement behind it.
 * (Long because Chicory's {@link Memory} interface is: every access width, bulk operation and segment.)
 */
public final class CanisterMemory implements Memory {

    public static final int PAGE_SIZE = 4096;
    static final int PAGES_PER_WASM_PAGE = Memory.PAGE_SIZE / PAGE_SIZE;
    private static final int SHIFT = 12;
    private static final int MASK = PAGE_SIZE - 1;
    private static final byte[] ZERO_PAGE = new byte[PAGE_SIZE]; // read-only by construction: never handed out for writing
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final MemoryLimits limits;
    private byte[][] base;
    private final int heapCap;
    private final boolean applyDataSegments;
    private byte[][] pages;
    private int wasmPages;
    /** The size in bytes (at most 64 KiB short of 2 GiB, so an int): what every access is checked against. */
    private int limit;
    private final BitSet owned = new BitSet();
    /*
     * The 4 KiB page the last read and the last write went to, and its array: code walks memory page by page, so
     * most accesses skip the page table, the zero-page substitution and (for writes) the ownership test. -1: none.
     * A write that copies a page updates the read cache if it is that page; replacing the page table clears both.
     */
    private int readPage = -1;
    private byte[] readData;
    private int writePage = -1;
    private byte[] writeData;
    private DataSegment[] dataSegments;

    private CanisterMemory(CommittedHeap heap, MemoryLimits limits, int heapCap, boolean applyDataSegments) {
        this.limits = limits;
        this.heapCap = heapCap;
        this.applyDataSegments = applyDataSegments;
        this.wasmPages = Math.max(heap.wasmPages(), limits.initialPages());
        this.limit = wasmPages * Memory.PAGE_SIZE;
        this.base = heap.pages();
        this.pages = java.util.Arrays.copyOf(base, wasmPages * PAGES_PER_WASM_PAGE);
    }

    /**
     * A view of a fresh module's heap: its data segments are written when the instance is created. It grows up
     * to the module's declared maximum or {@code heapCap} pages, whichever is lower.
     */
    public static CanisterMemory fresh(MemoryLimits limits, int heapCap) {
        return new CanisterMemory(CommittedHeap.EMPTY, limits, heapCap, true);
    }

    /**
     * A view of a kept heap (an upgrade with {@code wasm_memory_persistence = keep}) for a new module: its data
     * segments are written over the kept pages when the instance is created, as the IC does.
     */
    public static CanisterMemory keeping(CommittedHeap heap, MemoryLimits limits, int heapCap) {
        return new CanisterMemory(heap, limits, heapCap, true);
    }

    /** A view of a committed heap: the module's data segments are not applied again. */
    public static CanisterMemory of(CommittedHeap heap, MemoryLimits limits, int heapCap) {
        return new CanisterMemory(heap, limits, heapCap, false);
    }

    /**
     * The 4 KiB pages this execution changed, by page index, with their new content. A page written back with
     * the bytes it had is not changed (canisters use scratch space that way), so it is not persisted again.
     */
    public Map<Integer, byte[]> dirtyPages() {
        Map<Integer, byte[]> dirty = new LinkedHashMap<>();
        owned.stream().forEach(index -> {
            byte[] before = index < base.length && base[index] != null ? base[index] : ZERO_PAGE;
            if (!java.util.Arrays.equals(before, pages[index])) {
                dirty.put(index, pages[index]);
            }
        });
        return dirty;
    }

    /** The heap after this execution, to publish once it is committed; the view must not be used afterwards. */
    public CommittedHeap toCommitted() {
        return new CommittedHeap(pages, wasmPages);
    }

    /**
     * Goes on as a view of {@code committed}, the heap this view was just committed as ({@link #toCommitted}):
     * that snapshot keeps its pages as they are, later writes copy them again, and {@link #dirtyPages} starts
     * afresh. Lets the instance that holds this memory run the canister's next update.
     */
    public void rebase(CommittedHeap committed) {
        base = committed.pages();
        pages = java.util.Arrays.copyOf(base, base.length);
        owned.clear();
        forgetCachedPages();
    }

    /**
     * Becomes a view of {@code committed} again, dropping every write and growth since: after a query, whose
     * changes are never kept, lets the instance that holds this memory run the canister's next query.
     */
    public void reset(CommittedHeap committed) {
        base = committed.pages();
        wasmPages = Math.max(committed.wasmPages(), limits.initialPages());
        limit = wasmPages * Memory.PAGE_SIZE;
        pages = java.util.Arrays.copyOf(base, wasmPages * PAGES_PER_WASM_PAGE);
        owned.clear();
        forgetCachedPages();
    }

    private void forgetCachedPages() {
        readPage = -1;
        readData = null;
        writePage = -1;
        writeData = null;
    }

    /** An access of {@code length} bytes at {@code address}: int arithmetic only ({@code limit - length} cannot wrap). */
    private void check(int address, int length) {
        if (address < 0 || length < 0 || address > limit - length) {
            throw outOfBounds();
        }
    }

    private static WasmRuntimeException outOfBounds() {
        return new WasmRuntimeException("out of bounds memory access");
    }

    private byte[] readable(int page) {
        if (page == readPage) {
            return readData;
        }
        byte[] data = pages[page];
        readData = data == null ? ZERO_PAGE : data;
        readPage = page;
        return readData;
    }

    private byte[] writable(int page) {
        if (page == writePage) {
            return writeData;
        }
        if (!owned.get(page)) {
            byte[] data = pages[page];
            pages[page] = data == null ? new byte[PAGE_SIZE] : data.clone();
            owned.set(page);
        }
        byte[] data = pages[page];
        if (page == readPage) {
            readData = data; // the read cache must not keep the committed copy this write left behind
        }
        writePage = page;
        writeData = data;
        return data;
    }

    private static boolean fits(int address, int width) {
        return (address & MASK) + width <= PAGE_SIZE;
    }

    @Override
    public int pages() {
        return wasmPages;
    }

    @Override
    public int grow(int size) {
        int old = wasmPages;
        long wanted = (long) old + size;
        int cap = Math.min(Math.min(limits.maximumPages(), heapCap), Memory.RUNTIME_MAX_PAGES);
        if (size < 0 || wanted > cap) {
            return -1;
        }
        wasmPages = (int) wanted;
        limit = wasmPages * Memory.PAGE_SIZE;
        int slots = wasmPages * PAGES_PER_WASM_PAGE;
        if (slots > pages.length) {
            // The page table at least doubles: a canister growing one page at a time to the cap copies it a few
            // dozen times rather than once per page (which took 30 s to reach 2 GiB). Slots past the size are null.
            pages = java.util.Arrays.copyOf(pages,
                    (int) Math.min(Math.max(slots, 2L * pages.length), (long) cap * PAGES_PER_WASM_PAGE));
        }
        return old;
    }

    @Override
    public int initialPages() {
        return limits.initialPages();
    }

    @Override
    public int maximumPages() {
        return Math.min(limits.maximumPages(), Memory.RUNTIME_MAX_PAGES);
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public Object lock(int address) {
        return this;
    }

    @Override
    public int waitOn(int address, int expected, long timeout) {
        throw new ChicoryException("atomics are not supported");
    }

    @Override
    public int waitOn(int address, long expected, long timeout) {
        throw new ChicoryException("atomics are not supported");
    }

    @Override
    public int notify(int address, int maxThreads) {
        throw new ChicoryException("atomics are not supported");
    }

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments) {
        initialize(instance, dataSegments, 0);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] segments, int memoryIndex) {
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
    public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
        byte[] data = dataSegments[segmentId].data();
        if (offset < 0 || size < 0 || offset + (long) size > data.length) {
            throw new WasmRuntimeException("out of bounds memory access");
        }
        write(dest, data, offset, size);
    }

    @Override
    public void write(int address, byte[] data, int offset, int size) {
        check(address, size);
        int done = 0;
        while (done < size) {
            int at = address + done;
            int chunk = Math.min(size - done, PAGE_SIZE - (at & MASK));
            System.arraycopy(data, offset + done, writable(at >>> SHIFT), at & MASK, chunk);
            done += chunk;
        }
    }

    @Override
    public byte read(int address) {
        check(address, 1);
        return readable(address >>> SHIFT)[address & MASK];
    }

    @Override
    public byte[] readBytes(int address, int length) {
        check(address, length);
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            int at = address + done;
            int chunk = Math.min(length - done, PAGE_SIZE - (at & MASK));
            System.arraycopy(readable(at >>> SHIFT), at & MASK, out, done, chunk);
            done += chunk;
        }
        return out;
    }

    @Override
    public void writeByte(int address, byte value) {
        check(address, 1);
        writable(address >>> SHIFT)[address & MASK] = value;
    }

    @Override
    public void writeShort(int address, short value) {
        check(address, 2);
        if (fits(address, 2)) {
            SHORT.set(writable(address >>> SHIFT), address & MASK, value);
        } else {
            writeLittleEndian(address, value, 2);
        }
    }

    @Override
    public void writeI32(int address, int value) {
        check(address, 4);
        if (fits(address, 4)) {
            INT.set(writable(address >>> SHIFT), address & MASK, value);
        } else {
            writeLittleEndian(address, value, 4);
        }
    }

    @Override
    public void writeLong(int address, long value) {
        check(address, 8);
        if (fits(address, 8)) {
            LONG.set(writable(address >>> SHIFT), address & MASK, value);
        } else {
            writeLittleEndian(address, value, 8);
        }
    }

    @Override
    public void writeF32(int address, float value) {
        writeI32(address, Float.floatToRawIntBits(value));
    }

    @Override
    public void writeF64(int address, double value) {
        writeLong(address, Double.doubleToRawLongBits(value));
    }

    @Override
    public short readShort(int address) {
        check(address, 2);
        return fits(address, 2) ? (short) SHORT.get(readable(address >>> SHIFT), address & MASK)
                : (short) readLittleEndian(address, 2);
    }

    @Override
    public long readU16(int address) {
        return readShort(address) & 0xffffL;
    }

    @Override
    public int readInt(int address) {
        check(address, 4);
        return fits(address, 4) ? (int) INT.get(readable(address >>> SHIFT), address & MASK)
                : (int) readLittleEndian(address, 4);
    }

    @Override
    public long readLong(int address) {
        check(address, 8);
        return fits(address, 8) ? (long) LONG.get(readable(address >>> SHIFT), address & MASK)
                : readLittleEndian(address, 8);
    }

    @Override
    public long readF32(int address) {
        return readInt(address) & 0xffffffffL;
    }

    @Override
    public float readFloat(int address) {
        return Float.intBitsToFloat(readInt(address));
    }

    @Override
    public long readF64(int address) {
        return readLong(address);
    }

    @Override
    public double readDouble(int address) {
        return Double.longBitsToDouble(readLong(address));
    }

    private void writeLittleEndian(int address, long value, int width) {
        for (int i = 0; i < width; i++) {
            int at = address + i;
            writable(at >>> SHIFT)[at & MASK] = (byte) (value >>> (8 * i));
        }
    }

    private long readLittleEndian(int address, int width) {
        long value = 0;
        for (int i = 0; i < width; i++) {
            int at = address + i;
            value |= (readable(at >>> SHIFT)[at & MASK] & 0xffL) << (8 * i);
        }
        return value;
    }

    @Override
    public void zero() {
        // A view starts as the committed heap (or all zero for a fresh module): nothing to clear.
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        int size = toIndex - fromIndex;
        check(fromIndex, size);
        int done = 0;
        while (done < size) {
            int at = fromIndex + done;
            int chunk = Math.min(size - done, PAGE_SIZE - (at & MASK));
            if (value == 0 && chunk == PAGE_SIZE && pages[at >>> SHIFT] == null) {
                done += chunk; // already zero, and zero pages stay unallocated
                continue;
            }
            java.util.Arrays.fill(writable(at >>> SHIFT), at & MASK, (at & MASK) + chunk, value);
            done += chunk;
        }
    }

    @Override
    public void copy(int dest, int src, int size) {
        check(dest, size);
        check(src, size);
        if (size == 0 || dest == src) {
            return;
        }
        // Page by page, without an intermediate copy; backwards when the destination overlaps the source's end
        // (System.arraycopy itself is safe when a chunk's source and destination are the same page).
        boolean backwards = dest > src && dest < src + size;
        int done = 0;
        while (done < size) {
            int left = size - done;
            int from = backwards ? src + left : src + done;
            int to = backwards ? dest + left : dest + done;
            int chunk;
            if (backwards) {
                int fromRoom = ((from - 1) & MASK) + 1; // bytes of its page before (and at) from - 1
                int toRoom = ((to - 1) & MASK) + 1;
                chunk = Math.min(left, Math.min(fromRoom, toRoom));
                from -= chunk;
                to -= chunk;
            } else {
                chunk = Math.min(left, Math.min(PAGE_SIZE - (from & MASK), PAGE_SIZE - (to & MASK)));
            }
            byte[] target = writable(to >>> SHIFT);
            System.arraycopy(readable(from >>> SHIFT), from & MASK, target, to & MASK, chunk);
            done += chunk;
        }
    }

    @Override
    public void drop(int segment) {
        dataSegments[segment] = PassiveDataSegment.EMPTY;
    }
}
