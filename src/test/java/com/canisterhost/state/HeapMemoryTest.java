package com.canisterhost.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.wasm.types.MemoryLimits;
import org.junit.jupiter.api.Test;

/** The flat heap's own promises; CanisterMemoryTest runs both memories against Chicory's flat memory. */
class HeapMemoryTest {

    @Test
    void growingAllocatesNothingUntilAPageIsWritten() {
        HeapMemory memory = HeapMemory.fresh(new MemoryLimits(1, 32_767), 32_767);
        assertThat(memory.grow(32_766)).isEqualTo(1);
        assertThat(memory.grow(1)).isEqualTo(-1);
        assertThat(memory.residentBytes()).isZero();
        int top = 32_767 * 65_536 - 8;
        assertThat(memory.readLong(top)).isZero();
        memory.fill((byte) 0, 0, top); // zeroing what is zero already allocates nothing either
        assertThat(memory.residentBytes()).isZero();
        memory.writeByte(10 * 4096 + 5, (byte) 1);
        assertThat(memory.residentBytes()).isBetween(11L * 4096, 22L * 4096); // up to the page written, doubling
        assertThat(memory.dirtyPages()).containsOnlyKeys(10);
    }

    @Test
    void aCommittedHeapStaysAsCommittedWhileItsMemoryGoesOn() {
        MemoryLimits limits = new MemoryLimits(1, 4);
        HeapMemory memory = HeapMemory.fresh(limits, 100);
        memory.writeI32(100, 7);
        CommittedHeap first = memory.toCommitted();
        memory.rebase(first);
        memory.writeI32(100, 8);
        assertThat(memory.grow(1)).isEqualTo(1);
        memory.writeI32(70_000, 9); // in the second Wasm page, after a grow
        assertThat(memory.dirtyPages()).containsOnlyKeys(0, 17);

        HeapMemory reader = HeapMemory.of(first, limits, 100);
        assertThat(reader.readInt(100)).isEqualTo(7);
        assertThat(reader.pages()).isEqualTo(1);
        CommittedHeap second = memory.toCommitted();
        reader.reset(second);
        assertThat(reader.readInt(100)).isEqualTo(8);
        assertThat(reader.readInt(70_000)).isEqualTo(9);
        reader.reset(first); // back to an older heap: the newer pages and the growth go
        assertThat(reader.readInt(100)).isEqualTo(7);
        assertThat(reader.pages()).isEqualTo(1);
        assertThat(HeapMemory.of(first, limits, 100).readInt(100)).isEqualTo(7);
    }

    @Test
    void aPageWrittenBackWithItsBytesIsNotDirty() {
        HeapMemory memory = HeapMemory.fresh(new MemoryLimits(1, 1), 1);
        memory.writeI32(8, 42);
        memory.writeI32(8, 0);
        assertThat(memory.dirtyPages()).isEmpty();
        assertThat(memory.toCommitted().residentBytes()).isZero();
    }

    @Test
    void dirtyPagesSeesEveryWriteAfterAnEarlierLook() {
        HeapMemory memory = HeapMemory.fresh(new MemoryLimits(1, 1), 1);
        memory.writeByte(5, (byte) 1);
        assertThat(memory.dirtyPages()).containsOnlyKeys(0);
        memory.writeByte(6, (byte) 2); // the same page as the store before the look
        assertThat(memory.dirtyPages().get(0)[6]).isEqualTo((byte) 2);
        memory.fill((byte) 3, 8192, 8200);
        assertThat(memory.dirtyPages()).containsOnlyKeys(0, 2);
        CommittedHeap committed = memory.toCommitted();
        assertThat(HeapMemory.of(committed, new MemoryLimits(1, 1), 1).read(6)).isEqualTo((byte) 2);
        assertThat(HeapMemory.of(committed, new MemoryLimits(1, 1), 1).read(8199)).isEqualTo((byte) 3);
    }
}
