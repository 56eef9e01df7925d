package com.canisterhost.state;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A canister's stable memory as one execution sees it: a copy-on-write view of a {@link CommittedHeap}. Reads go to
 * the committed pages; the first write to a 4 KiB page copies it, so an execution costs memory and time in
 * proportion to the pages it dirties, rolling back is dropping the view, and committing hands the view's page array
 * over as the next committed state. 4 KiB is the IC's dirty-tracking granularity; bench/RESULTS.md records the
 * measurement behind it. A view costs nothing to open, which suits stable memory (a new view per execution, reached
 * through the System API in bulk); the Wasm heap, which compiled code loads from and stores to one value at a time,
 * runs on {@link HeapMemory} instead, at flat-memory speed. (Long because Chicory's {@link Memory} interface is:
 * every access width, bulk operation and segment.)
 */
public final class CanisterMemory extends MemoryView {

    /** The 4 KiB page both memories persist by, for the rest of the service. */
    public static final int PAGE_SIZE = MemoryView.PAGE_SIZE;

    private byte[][] base;
    private byte[][] pages;
    private final BitSet copied = new BitSet(); // the pages this view copied: its dirty candidates
    /*
     * The 4 KiB page the last read and the last write went to, and its array: code walks memory page by page, so
     * most accesses skip the page table, the zero-page substitution and (for writes) the ownership test. -1: none.
     * A write that copies a page updates the read cache if it is that page; replacing the page table clears both.
     */
    private int readPage = -1;
    private byte[] readData;
    private int writePage = -1;
    private byte[] writeData;

    private CanisterMemory(CommittedHeap heap, MemoryLimits limits, int heapCap, boolean applyDataSegments) {
        super(heap, limits, heapCap, applyDataSegments);
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
        copied.stream().forEach(index -> {
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
        copied.clear();
        forgetCachedPages();
    }

    /**
     * Becomes a view of {@code committed} again, dropping every write and growth since: after a query, whose
     * changes are never kept, lets the instance that holds this memory run the canister's next query.
     */
    public void reset(CommittedHeap committed) {
        base = committed.pages();
        resize(committed.wasmPages());
        pages = java.util.Arrays.copyOf(base, wasmPages * PAGES_PER_WASM_PAGE);
        copied.clear();
        forgetCachedPages();
    }

    private void forgetCachedPages() {
        readPage = -1;
        readData = null;
        writePage = -1;
        writeData = null;
    }

    @Override
    void grown(int newPages, int cap) {
        int slots = newPages * PAGES_PER_WASM_PAGE;
        if (slots > pages.length) {
            // The page table at least doubles: a canister growing one page at a time to the cap copies it a few
            // dozen times rather than once per page (which took 30 s to reach 2 GiB). Slots past the size are null.
            pages = java.util.Arrays.copyOf(pages,
                    (int) Math.min(Math.max(slots, 2L * pages.length), (long) cap * PAGES_PER_WASM_PAGE));
        }
    }

    /*
     * Chicory's compiled code calls the accessors for every load and store, so their compiled size decides whether
     * C2 inlines them into a canister's hot loop: it does not inline a callee already compiled to more than
     * InlineSmallCode (2,500 bytes on x86), and the copy-on-write miss path (clone, bit set) made them that large.
     * So the misses are methods of their own, big enough that C2 does not inline them where they are as cold as
     * one call per 4 KiB.
     */
    private byte[] readable(int page) {
        return page == readPage ? readData : readMiss(page);
    }

    private byte[] readMiss(int page) {
        byte[] data = pages[page];
        readData = data == null ? ZERO_PAGE : data;
        readPage = page;
        return readData;
    }

    private byte[] writable(int page) {
        return page == writePage ? writeData : writeMiss(page);
    }

    private byte[] writeMiss(int page) {
        byte[] data = ownedPage(page);
        writePage = page;
        writeData = data;
        return data;
    }

    /** Page {@code page} to read, without the read cache (bulk operations go page by page anyway). */
    private byte[] pageToRead(int page) {
        byte[] data = pages[page];
        return data == null ? ZERO_PAGE : data;
    }

    /**
     * Page {@code page} to write, copied first unless this view already owns it. A view owns exactly the pages it
     * copied: any other slot still holds the committed array (or null), so an identity test tells, which is
     * cheaper on a miss than the bit set (kept for {@link #dirtyPages}).
     */
    private byte[] ownedPage(int page) {
        byte[] data = pages[page];
        if (data == null || (page < base.length && data == base[page])) {
            data = data == null ? new byte[PAGE_SIZE] : data.clone();
            pages[page] = data;
            copied.set(page);
            if (page == readPage) {
                readData = data; // the read cache must not keep the committed copy this write left behind
            }
        }
        return data;
    }

    private static boolean fits(int address, int width) {
        return (address & MASK) + width <= PAGE_SIZE;
    }

    @Override
    public void write(int address, byte[] data, int offset, int size) {
        check(address, size);
        int done = 0;
        while (done < size) {
            int at = address + done;
            int chunk = Math.min(size - done, PAGE_SIZE - (at & MASK));
            System.arraycopy(data, offset + done, ownedPage(at >>> SHIFT), at & MASK, chunk);
            done += chunk;
        }
    }

    /*
     * The fixed-width accessors: a hit on the cached page is the whole test. The cache only ever holds a page below
     * the size (a miss checks the bounds first, and shrinking the size clears it), a negative address shifts to a
     * page index past any heap, and an access that fits in its page from an in-bounds page is in bounds. So the
     * bounds check and the page-table walk happen once per page and access kind, in the miss paths.
     */
    @Override
    public byte read(int address) {
        return (address >>> SHIFT) == readPage ? readData[address & MASK] : readMissByte(address);
    }

    private byte readMissByte(int address) {
        check(address, 1);
        return readMiss(address >>> SHIFT)[address & MASK];
    }

    @Override
    public byte[] readBytes(int address, int length) {
        check(address, length);
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            int at = address + done;
            int chunk = Math.min(length - done, PAGE_SIZE - (at & MASK));
            System.arraycopy(pageToRead(at >>> SHIFT), at & MASK, out, done, chunk);
            done += chunk;
        }
        return out;
    }

    @Override
    public void writeByte(int address, byte value) {
        if ((address >>> SHIFT) == writePage) {
            writeData[address & MASK] = value;
        } else {
            writeMissByte(address, value);
        }
    }

    private void writeMissByte(int address, byte value) {
        check(address, 1);
        writeMiss(address >>> SHIFT)[address & MASK] = value;
    }

    @Override
    public void writeShort(int address, short value) {
        int offset = address & MASK;
        if ((address >>> SHIFT) == writePage && offset <= PAGE_SIZE - 2) {
            SHORT.set(writeData, offset, value);
        } else {
            writeWide(address, value, 2);
        }
    }

    @Override
    public void writeI32(int address, int value) {
        int offset = address & MASK;
        if ((address >>> SHIFT) == writePage && offset <= PAGE_SIZE - 4) {
            INT.set(writeData, offset, value);
        } else {
            writeWide(address, value, 4);
        }
    }

    @Override
    public void writeLong(int address, long value) {
        int offset = address & MASK;
        if ((address >>> SHIFT) == writePage && offset <= PAGE_SIZE - 8) {
            LONG.set(writeData, offset, value);
        } else {
            writeWide(address, value, 8);
        }
    }

    /** A 2-, 4- or 8-byte write that missed the cached page: checked, then in one page or byte by byte across two. */
    private void writeWide(int address, long value, int width) {
        check(address, width);
        if (fits(address, width)) {
            byte[] data = writeMiss(address >>> SHIFT);
            switch (width) {
                case 2 -> SHORT.set(data, address & MASK, (short) value);
                case 4 -> INT.set(data, address & MASK, (int) value);
                default -> LONG.set(data, address & MASK, value);
            }
        } else {
            writeLittleEndian(address, value, width);
        }
    }

    @Override
    public short readShort(int address) {
        int offset = address & MASK;
        return (address >>> SHIFT) == readPage && offset <= PAGE_SIZE - 2 ? (short) SHORT.get(readData, offset)
                : (short) readWide(address, 2);
    }

    @Override
    public int readInt(int address) {
        int offset = address & MASK;
        return (address >>> SHIFT) == readPage && offset <= PAGE_SIZE - 4 ? (int) INT.get(readData, offset)
                : (int) readWide(address, 4);
    }

    @Override
    public long readLong(int address) {
        int offset = address & MASK;
        return (address >>> SHIFT) == readPage && offset <= PAGE_SIZE - 8 ? (long) LONG.get(readData, offset)
                : readWide(address, 8);
    }

    /** A 2-, 4- or 8-byte read that missed the cached page: its bits, which the caller narrows to the width. */
    private long readWide(int address, int width) {
        check(address, width);
        if (!fits(address, width)) {
            return readLittleEndian(address, width);
        }
        byte[] data = readMiss(address >>> SHIFT);
        return switch (width) {
            case 2 -> (short) SHORT.get(data, address & MASK);
            case 4 -> (int) INT.get(data, address & MASK);
            default -> (long) LONG.get(data, address & MASK);
        };
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
            java.util.Arrays.fill(ownedPage(at >>> SHIFT), at & MASK, (at & MASK) + chunk, value);
            done += chunk;
        }
    }

    @Override
    void copyWithin(int dest, int src, int size) {
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
            byte[] target = ownedPage(to >>> SHIFT); // before the read: copying the page may be what the read sees
            System.arraycopy(pageToRead(from >>> SHIFT), from & MASK, target, to & MASK, chunk);
            done += chunk;
        }
    }

}
