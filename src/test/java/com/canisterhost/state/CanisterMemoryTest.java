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

    /**
     * Random reads, writes, fills, overlapping copies and grows, on this heap and on Chicory's flat memory side by
     * side, with commits and rollbacks in between: every read agrees, so the cached pages never serve a stale page.
     */
    @Test
    void behavesAsChicorysFlatMemoryUnderRandomAccessesCommitsAndRollbacks() {
        MemoryLimits limits = new MemoryLimits(1, 6);
        java.util.Random random = new java.util.Random(42);
        CanisterMemory memory = CanisterMemory.fresh(limits, 6);
        com.dylibso.chicory.runtime.ByteArrayMemory flat = new com.dylibso.chicory.runtime.ByteArrayMemory(limits);
        byte[] committedFlat = new byte[0];
        int committedPages = 1;
        CommittedHeap last = CommittedHeap.empty();
        int page = 0;
        for (int step = 0; step < 20_000; step++) {
            int size = memory.pages() * 65536;
            if (random.nextInt(4) == 0) { // mostly the same page again, as code walks memory: the caches' case
                page = random.nextInt(size / 4096);
            }
            int address = Math.min(size - 8, page * 4096 + (random.nextInt(4) == 0 ? 4096 - random.nextInt(9)
                    : random.nextInt(4096)));
            switch (random.nextInt(12)) {
                case 0 -> {
                    byte value = (byte) random.nextInt();
                    memory.writeByte(address, value);
                    flat.writeByte(address, value);
                }
                case 1 -> {
                    int value = random.nextInt();
                    memory.writeI32(address, value);
                    flat.writeI32(address, value);
                }
                case 2 -> {
                    long value = random.nextLong();
                    memory.writeLong(address, value);
                    flat.writeLong(address, value);
                }
                case 3 -> {
                    int from = random.nextInt(size);
                    int to = Math.min(size, from + random.nextInt(3 * 4096));
                    byte value = (byte) (random.nextBoolean() ? 0 : random.nextInt());
                    memory.fill(value, from, to);
                    flat.fill(value, from, to);
                }
                case 4 -> {
                    int length = random.nextInt(3 * 4096);
                    int src = random.nextInt(size - length);
                    int dest = Math.max(0, Math.min(size - length, src + random.nextInt(2 * 4096 + 1) - 4096));
                    memory.copy(dest, src, length);
                    flat.copy(dest, src, length);
                }
                case 5 -> {
                    if (random.nextInt(20) == 0) {
                        assertThat(memory.grow(1)).isEqualTo(flat.grow(1));
                    }
                }
                case 6 -> { // commit: the next execution sees this heap
                    if (random.nextInt(50) == 0) {
                        last = memory.toCommitted();
                        memory.rebase(last);
                        committedFlat = flat.readBytes(0, flat.pages() * 65536);
                        committedPages = flat.pages();
                    }
                }
                case 7 -> { // roll back to the last commit
                    if (random.nextInt(50) == 0) {
                        memory.reset(last);
                        flat = new com.dylibso.chicory.runtime.ByteArrayMemory(limits);
                        flat.grow(committedPages - 1);
                        flat.write(0, committedFlat);
                    }
                }
                default -> {
                    assertThat(memory.read(address)).isEqualTo(flat.read(address));
                    assertThat(memory.readInt(address)).isEqualTo(flat.readInt(address));
                    assertThat(memory.readLong(address)).as("step %d at %d", step, address)
                            .isEqualTo(flat.readLong(address));
                }
            }
        }
        assertThat(memory.pages()).isEqualTo(flat.pages());
        assertThat(memory.readBytes(0, memory.pages() * 65536)).isEqualTo(flat.readBytes(0, flat.pages() * 65536));
    }
}
