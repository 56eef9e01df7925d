package com.canisterhost.state;

import com.dylibso.chicory.runtime.Memory;
import java.util.Map;

/** What the heap and stable memory have in common: a Wasm memory over a committed heap, with its changes. */
interface MemoryView extends Memory {

    Map<Integer, byte[]> dirtyPages();

    CommittedHeap toCommitted();

    void rebase(CommittedHeap committed);

    void reset(CommittedHeap committed);
}
