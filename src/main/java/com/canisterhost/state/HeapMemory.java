package com.canisterhost.state;

import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A canister's Wasm heap as one instance runs on it: the bytes in one flat array, as fast to load from and store to
 * as Chicory's own memory, over a {@link CommittedHeap} it mirrors. Stores mark their 4 KiB page dirty (the IC's
 * dirty-tracking granularity), so committing copies out only the dirty pages, and going back to a committed heap
 * (after a query, a trap, or to another instance's newer commit) rewrites only the pages that differ: O(dirty or
 * changed pages) copies plus one identity scan of the page table, never O(heap) bytes.
 *
 * <p>The array covers the heap only as far as anything was written (past it, up to the size, memory reads as
 * zero), so a canister that grows its memory pays for the pages it touches, not for the pages it asked for. Bytes
 * in the array past {@link #extent} are always zero.
 *
 * <p>Each instance holds its own array, so a canister's live instances each cost about its heap in memory on top
 * of the committed pages; that is the price of running at flat-memory speed (the paged copy-on-write view this
 * replaced ran byte- and word-wise code 1.6 to 1.9 times slower; bench/RESULTS.md). Stable memory, which is read
 * and written through the System API in bulk, stays paged ({@link CanisterMemory}).
 */
public final class HeapMemory extends MemoryView {

    /** The committed heap these bytes equal, but for the dirty pages. */
    private CommittedHeap base;
    private byte[] bytes;
    /** How far the array is in use (a multiple of 4 KiB, at most the size): every fast access is checked against it. */
    private int extent;
    /** The pages written since {@link #base}. */
    private long[] dirty = new long[0]; // a bitmap by hand: BitSet's range set made the inlined store-miss path big
    /** The page the last store went to, dirty and inside the extent (its stores skip the bitmap); -1: none. */
    private int writePage = -1;
    /** What {@link #dirtyPages} found, until the bytes change again; null: not known. */
    private Map<Integer, byte[]> changedPages;

    private HeapMemory(CommittedHeap heap, MemoryLimits limits, int heapCap, boolean applyDataSegments) {
        super(heap, limits, heapCap, applyDataSegments);
        this.base = heap;
        this.bytes = new byte[0];
        byte[][] pages = heap.pages();
        int used = Math.min(pages.length, limit / PAGE_SIZE);
        while (used > 0 && pages[used - 1] == null) {
            used--;
        }
        reserve(used * PAGE_SIZE);
        for (int i = 0; i < used; i++) {
            if (pages[i] != null) {
                System.arraycopy(pages[i], 0, bytes, i * PAGE_SIZE, PAGE_SIZE);
            }
        }
    }

    /**
     * A fresh module's heap: its data segments are written when the instance is created. It grows up to the
     * module's declared maximum or {@code heapCap} pages, whichever is lower.
     */
    public static HeapMemory fresh(MemoryLimits limits, int heapCap) {
        return new HeapMemory(CommittedHeap.EMPTY, limits, heapCap, true);
    }

    /** A kept heap (an upgrade with {@code wasm_memory_persistence = keep}): the new module's segments go over it. */
    public static HeapMemory keeping(CommittedHeap heap, MemoryLimits limits, int heapCap) {
        return new HeapMemory(heap, limits, heapCap, true);
    }

    /** A committed heap: the module's data segments are not applied again. */
    public static HeapMemory of(CommittedHeap heap, MemoryLimits limits, int heapCap) {
        return new HeapMemory(heap, limits, heapCap, false);
    }

    /**
     * The 4 KiB pages this execution changed, by page index, with their new content (copies). A page written back
     * with the bytes it had is not changed (canisters use scratch space that way), so it is not persisted again.
     */
    public Map<Integer, byte[]> dirtyPages() {
        if (changedPages != null) {
            return changedPages;
        }
        Map<Integer, byte[]> changed = new LinkedHashMap<>();
        byte[][] before = base.pages();
        for (int page = nextDirty(0); page >= 0; page = nextDirty(page + 1)) {
            byte[] was = page < before.length && before[page] != null ? before[page] : ZERO_PAGE;
            int at = page * PAGE_SIZE;
            if (!Arrays.equals(was, 0, PAGE_SIZE, bytes, at, at + PAGE_SIZE)) {
                changed.put(page, Arrays.copyOfRange(bytes, at, at + PAGE_SIZE));
            }
        }
        // Kept for toCommitted, which a commit calls next. Every change of the bytes goes through touch (which
        // drops it) or a store to writePage, and no store can hit writePage before a touch sets it again.
        changedPages = java.util.Collections.unmodifiableMap(changed);
        writePage = -1;
        return changedPages;
    }

    /**
     * The heap after this execution, to publish once it is committed: the base's page table with the changed pages
     * replaced by copies. Follow it with {@link #rebase} to go on as a view of it.
     */
    public CommittedHeap toCommitted() {
        byte[][] pages = Arrays.copyOf(base.pages(), wasmPages * PAGES_PER_WASM_PAGE);
        dirtyPages().forEach((page, data) -> pages[page] = Arrays.equals(data, ZERO_PAGE) ? null : data);
        return new CommittedHeap(pages, wasmPages);
    }

    /**
     * Goes on over {@code committed}, the heap just made from this memory by {@link #toCommitted}: the bytes are
     * already that heap, so only the dirty marks go. Lets the instance that holds this memory run the canister's
     * next update.
     */
    public void rebase(CommittedHeap committed) {
        base = committed;
        Arrays.fill(dirty, 0);
        writePage = -1;
        changedPages = null;
        applyDataSegments = false;
    }

    /**
     * Becomes {@code committed} again, dropping every write and growth since, or catching up with a heap another
     * instance committed since: rewrites the pages this memory dirtied and those whose committed array differs
     * (an identity test), zeroes what lies past the new size, and skips the scan when the base is {@code committed}
     * itself (a query after a query).
     */
    public void reset(CommittedHeap committed) {
        resize(committed.wasmPages()); // first: the array may only be reserved up to the new size
        int newLimit = limit;
        byte[][] target = committed.pages();
        if (committed != base) {
            byte[][] from = base.pages();
            int scan = Math.max(from.length, target.length);
            for (int page = 0; page < scan; page++) {
                byte[] was = page < from.length ? from[page] : null;
                byte[] now = page < target.length ? target[page] : null;
                if (was != now) {
                    markDirty(page, page); // differs from the new base: rewritten below like a dirty page
                }
            }
        }
        for (int page = nextDirty(0); page >= 0; page = nextDirty(page + 1)) {
            int at = page * PAGE_SIZE;
            if (at >= newLimit) {
                break; // past the new size: zeroed below
            }
            byte[] now = page < target.length ? target[page] : null;
            if (now == null) {
                if (at < extent) {
                    Arrays.fill(bytes, at, at + PAGE_SIZE, (byte) 0);
                }
            } else {
                reserve(at + PAGE_SIZE);
                System.arraycopy(now, 0, bytes, at, PAGE_SIZE);
            }
        }
        if (extent > newLimit) {
            Arrays.fill(bytes, newLimit, extent, (byte) 0);
            extent = newLimit;
        }
        base = committed;
        Arrays.fill(dirty, 0);
        writePage = -1;
        changedPages = null;
        applyDataSegments = false;
    }

    /** Bytes this memory's own array holds (for the live-canister memory budget, beside the committed pages). */
    public long residentBytes() {
        return bytes.length;
    }

    /** Makes the array cover at least {@code end} bytes (at most the size): it doubles, so growing costs O(bytes). */
    private void reserve(int end) {
        if (end <= extent) {
            return;
        }
        int needed = (end + MASK) & ~MASK;
        if (needed > bytes.length) {
            long doubled = Math.max((long) needed, 2L * bytes.length);
            bytes = Arrays.copyOf(bytes, (int) Math.min(doubled, Math.max(needed, limit)));
        }
        extent = needed;
    }

    @Override
    void grown(int newPages, int cap) {
        // nothing to allocate: past the extent the new pages read as zero until something is written there
    }

    /** Before a store of {@code length} checked bytes at {@code address}: the array covers them and they are dirty. */
    private void touch(int address, int length) {
        if (length == 0) {
            return;
        }
        reserve(address + length);
        changedPages = null;
        int first = address >>> SHIFT;
        int last = (address + length - 1) >>> SHIFT;
        markDirty(first, last);
        writePage = last;
    }

    private void markDirty(int first, int last) {
        if ((last >>> 6) >= dirty.length) {
            dirty = Arrays.copyOf(dirty, Math.max((last >>> 6) + 1, 2 * dirty.length));
        }
        for (int page = first; page <= last; page++) {
            dirty[page >>> 6] |= 1L << page;
        }
    }

    /** The first dirty page at or after {@code from}, or -1. */
    private int nextDirty(int from) {
        int word = from >>> 6;
        if (word >= dirty.length) {
            return -1;
        }
        long bits = dirty[word] & (-1L << from); // the shift takes from's low 6 bits
        while (bits == 0) {
            if (++word == dirty.length) {
                return -1;
            }
            bits = dirty[word];
        }
        return word * 64 + Long.numberOfTrailingZeros(bits);
    }

    // ---- bulk operations: one check, one touch of the page range, one array operation ----

    @Override
    public void write(int address, byte[] data, int offset, int size) {
        check(address, size);
        if (size == 0) {
            return; // the address may lie past the array
        }
        touch(address, size);
        System.arraycopy(data, offset, bytes, address, size);
    }

    @Override
    public byte[] readBytes(int address, int length) {
        check(address, length);
        byte[] out = new byte[length];
        int inArray = Math.max(0, Math.min(length, extent - address));
        if (inArray > 0) {
            System.arraycopy(bytes, address, out, 0, inArray); // the rest, past the extent, is zero
        }
        return out;
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        int size = toIndex - fromIndex;
        check(fromIndex, size);
        if (value == 0) {
            size = Math.max(0, Math.min(size, extent - fromIndex)); // past the extent it is zero already
        }
        if (size > 0) {
            touch(fromIndex, size);
            Arrays.fill(bytes, fromIndex, fromIndex + size, value);
        }
    }

    @Override
    void copyWithin(int dest, int src, int size) {
        reserve(src + size); // a source past the extent is zero, and the array must hold it to copy it
        touch(dest, size);
        System.arraycopy(bytes, src, bytes, dest, size); // overlap-safe
    }

    // ---- fixed-width accessors: Chicory's compiled code calls these for every load and store ----
    /*
     * A load inside the extent is one test and one array access; past it, up to the size, it reads zero. A store
     * to the page the last store went to is one test; any other store takes the miss path (bounds, extent, dirty
     * mark), once per page. The miss paths are methods of their own so that the accessors stay small enough for
     * C2 to inline into a canister's loops (it does not inline a callee already compiled to more than
     * InlineSmallCode, 2,500 bytes on x86).
     */

    @Override
    public byte read(int address) {
        return address >= 0 && address < extent ? bytes[address] : (byte) readPast(address, 1);
    }

    @Override
    public short readShort(int address) {
        return address >= 0 && address <= extent - 2 ? (short) SHORT.get(bytes, address)
                : (short) readPast(address, 2);
    }

    @Override
    public int readInt(int address) {
        return address >= 0 && address <= extent - 4 ? (int) INT.get(bytes, address) : (int) readPast(address, 4);
    }

    @Override
    public long readLong(int address) {
        return address >= 0 && address <= extent - 8 ? (long) LONG.get(bytes, address) : readPast(address, 8);
    }

    /** A load reaching past the extent: bounds-checked, little-endian, zero past the extent. */
    private long readPast(int address, int width) {
        check(address, width);
        long value = 0;
        for (int i = 0; i < width; i++) {
            int at = address + i;
            value |= (at < extent ? bytes[at] & 0xffL : 0) << (8 * i);
        }
        return value;
    }

    @Override
    public void writeByte(int address, byte value) {
        if ((address >>> SHIFT) != writePage) {
            storeMiss(address, 1);
        }
        bytes[address] = value;
    }

    @Override
    public void writeShort(int address, short value) {
        if ((address >>> SHIFT) != writePage || (address & MASK) > PAGE_SIZE - 2) {
            storeMiss(address, 2);
        }
        SHORT.set(bytes, address, value);
    }

    @Override
    public void writeI32(int address, int value) {
        if ((address >>> SHIFT) != writePage || (address & MASK) > PAGE_SIZE - 4) {
            storeMiss(address, 4);
        }
        INT.set(bytes, address, value);
    }

    @Override
    public void writeLong(int address, long value) {
        if ((address >>> SHIFT) != writePage || (address & MASK) > PAGE_SIZE - 8) {
            storeMiss(address, 8);
        }
        LONG.set(bytes, address, value);
    }

    /** A store off the last stored-to page (or across two pages): bounds, array extent and dirty marks. */
    private void storeMiss(int address, int width) {
        check(address, width);
        touch(address, width);
    }
}
