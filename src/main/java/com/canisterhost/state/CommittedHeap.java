package com.canisterhost.state;

/**
 * A canister heap as last committed: 4 KiB pages (null for an all-zero page) and the size in 64 KiB Wasm pages.
 * Immutable once published, so any number of executions can share it: a heap runs on a {@link HeapMemory} that
 * mirrors it, stable memory on a {@link CanisterMemory} view that copies the pages it writes.
 */
public final class CommittedHeap {

    static final CommittedHeap EMPTY = new CommittedHeap(new byte[0][], 0);

    private final byte[][] pages;
    private final int wasmPages;
    /** Computed on first use (the heap never changes); every commit asks for it over all live canisters. */
    private volatile long residentBytes = -1;

    CommittedHeap(byte[][] pages, int wasmPages) {
        this.pages = pages;
        this.wasmPages = wasmPages;
    }

    public static CommittedHeap empty() {
        return EMPTY;
    }

    /** Builds a heap of {@code wasmPages} from the non-zero 4 KiB pages stored for it. */
    public static CommittedHeap of(int wasmPages, java.util.Map<Integer, byte[]> pages) {
        byte[][] array = new byte[wasmPages * MemoryView.PAGES_PER_WASM_PAGE][];
        pages.forEach((index, data) -> array[index] = data);
        return new CommittedHeap(array, wasmPages);
    }

    public int wasmPages() {
        return wasmPages;
    }

    byte[][] pages() {
        return pages;
    }

    /** Bytes held in memory by this heap's non-zero pages (for the live-canister memory budget). */
    public long residentBytes() {
        long bytes = residentBytes;
        if (bytes < 0) {
            bytes = 0;
            for (byte[] page : pages) {
                if (page != null) {
                    bytes += page.length;
                }
            }
            residentBytes = bytes;
        }
        return bytes;
    }
}
