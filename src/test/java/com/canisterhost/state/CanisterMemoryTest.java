package com.canisterhost.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import org.junit.jupiter.api.Test;

class CanisterMemoryTest {

    private static final MemoryLimits ONE_TO_FOUR = new MemoryLimits(1, 4);

    @Test
    void writesCopyOnlyTheTouchedPagesAndLeaveTheCommittedHeapAlone() {
        CanisterMemory first = CanisterMemory.fresh(ONE_TO_FOUR, 100);
        first.writeI32(100, 42);
        first.writeLong(5000, 7L);
        assertThat(first.dirtyPages()).containsOnlyKeys(0, 1);
        CommittedHeap committed = first.toCommitted();

        CanisterMemory second = CanisterMemory.of(committed, ONE_TO_FOUR, 100);
        assertThat(second.readInt(100)).isEqualTo(42);
        assertThat(second.dirtyPages()).isEmpty();
        second.writeI32(100, 43);
        assertThat(second.dirtyPages()).containsOnlyKeys(0);

        CanisterMemory concurrent = CanisterMemory.of(committed, ONE_TO_FOUR, 100);
        assertThat(concurrent.readInt(100)).as("another view still sees the committed value").isEqualTo(42);
        assertThat(concurrent.readLong(5000)).isEqualTo(7L);
    }

    @Test
    void valuesStraddlingAPageBoundaryAreReadAndWrittenWhole() {
        CanisterMemory memory = CanisterMemory.fresh(ONE_TO_FOUR, 100);
        memory.writeLong(4093, 0x0102030405060708L);
        assertThat(memory.readLong(4093)).isEqualTo(0x0102030405060708L);
        assertThat(memory.read(4095)).isEqualTo((byte) 0x06);
        assertThat(memory.read(4096)).isEqualTo((byte) 0x05);
        assertThat(memory.dirtyPages()).containsOnlyKeys(0, 1);
        memory.write(4000, new byte[200], 0, 200);
        assertThat(memory.readBytes(4090, 10)).containsOnly(0);
    }

    @Test
    void growStopsAtTheLowerOfTheDeclaredMaximumAndTheHeapCap() {
        CanisterMemory memory = CanisterMemory.fresh(ONE_TO_FOUR, 3);
        assertThat(memory.grow(1)).isEqualTo(1);
        assertThat(memory.grow(1)).isEqualTo(2);
        assertThat(memory.grow(1)).isEqualTo(-1);
        assertThat(memory.pages()).isEqualTo(3);
        assertThatThrownBy(() -> memory.readInt(3 * 65536 - 2)).isInstanceOf(WasmRuntimeException.class);
    }

    @Test
    void zeroFillOfUntouchedPagesAllocatesNothing() {
        CanisterMemory memory = CanisterMemory.fresh(ONE_TO_FOUR, 100);
        memory.fill((byte) 0, 0, 65536);
        assertThat(memory.dirtyPages()).isEmpty();
        memory.fill((byte) 1, 10, 20);
        assertThat(memory.dirtyPages()).containsOnlyKeys(0);
        assertThat(memory.toCommitted().residentBytes()).isEqualTo(4096);
    }
}
