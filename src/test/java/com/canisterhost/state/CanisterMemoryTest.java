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
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"paged", "flat"})
    void behavesAsChicorysFlatMemoryUnderRandomAccessesCommitsAndRollbacks(String kind) {
        MemoryLimits limits = new MemoryLimits(1, 6);
        java.util.Random random = new java.util.Random(42);
        MemoryView memory = kind.equals("paged") ? CanisterMemory.fresh(limits, 6) : HeapMemory.fresh(limits, 6);
        // a second view, as a query instance: set to the last commit now and then, then read like the first
        MemoryView reader = kind.equals("paged") ? CanisterMemory.of(CommittedHeap.empty(), limits, 6)
                : HeapMemory.of(CommittedHeap.empty(), limits, 6);
        com.dylibso.chicory.runtime.ByteArrayMemory flat = new com.dylibso.chicory.runtime.ByteArrayMemory(limits);
        byte[] committedFlat = new byte[65536];
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
            switch (random.nextInt(14)) {
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
                        assertDirtyPagesAre(memory, last, flat);
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
                case 8 -> {
                    short value = (short) random.nextInt();
                    memory.writeShort(address, value);
                    flat.writeShort(address, value);
                    assertThat(memory.readShort(address)).isEqualTo(flat.readShort(address));
                    assertThat(memory.readU16(address)).isEqualTo(flat.readU16(address));
                }
                case 9 -> { // out of bounds, just past the size, straddling it, or negative: both refuse alike
                    int outside = switch (random.nextInt(3)) {
                        case 0 -> size - random.nextInt(8);
                        case 1 -> size + random.nextInt(3 * 4096);
                        default -> -1 - random.nextInt(8);
                    };
                    int width = 1 << random.nextInt(4);
                    boolean write = random.nextBoolean();
                    Runnable onHeap = access(memory, outside, width, write);
                    Runnable onFlat = access(flat, outside, width, write);
                    boolean flatRefused = refuses(onFlat);
                    assertThat(refuses(onHeap)).as("step %d: %d bytes at %d (size %d), write %s", step, width,
                            outside, size, write).isEqualTo(flatRefused);
                }
                case 10 -> { // the reader catches up with the last commit, scribbles (a query), and must match it
                    if (random.nextInt(10) == 0) {
                        reader.reset(last);
                        assertThat(reader.pages()).isEqualTo(committedPages);
                        assertThat(reader.readBytes(0, committedPages * 65536)).isEqualTo(committedFlat);
                        int at = Math.min(address, committedPages * 65536 - 8);
                        reader.fill((byte) 0x5a, at, Math.min(committedPages * 65536, at + 5000));
                        reader.writeLong(at, -1L);
                        if (random.nextBoolean()) {
                            reader.grow(1);
                            reader.writeByte(reader.pages() * 65536 - 1, (byte) 1);
                        }
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
        reader.reset(last);
        assertThat(reader.readBytes(0, committedPages * 65536)).isEqualTo(committedFlat);
    }

    /** The dirty pages are exactly the 4 KiB pages whose bytes differ from the heap the view started from. */
    private static void assertDirtyPagesAre(MemoryView memory, CommittedHeap base,
            com.dylibso.chicory.runtime.Memory flat) {
        java.util.Map<Integer, byte[]> expected = new java.util.TreeMap<>();
        for (int page = 0; page < flat.pages() * 16; page++) {
            byte[] now = flat.readBytes(page * 4096, 4096);
            byte[] was = page < base.pages().length && base.pages()[page] != null ? base.pages()[page]
                    : new byte[4096];
            if (!java.util.Arrays.equals(now, was)) {
                expected.put(page, now);
            }
        }
        assertThat(new java.util.TreeMap<>(memory.dirtyPages())).containsOnlyKeys(expected.keySet());
        expected.forEach((page, data) -> assertThat(memory.dirtyPages().get(page)).isEqualTo(data));
    }

    /** A read or a write of {@code width} bytes at {@code address}. */
    private static Runnable access(com.dylibso.chicory.runtime.Memory memory, int address, int width, boolean write) {
        return switch (width) {
            case 1 -> write ? () -> memory.writeByte(address, (byte) 7) : () -> memory.read(address);
            case 2 -> write ? () -> memory.writeShort(address, (short) 7) : () -> memory.readShort(address);
            case 4 -> write ? () -> memory.writeI32(address, 7) : () -> memory.readInt(address);
            default -> write ? () -> memory.writeLong(address, 7) : () -> memory.readLong(address);
        };
    }

    private static boolean refuses(Runnable access) {
        try {
            access.run();
            return false;
        } catch (com.dylibso.chicory.runtime.WasmRuntimeException outOfBounds) {
            return true;
        }
    }
}
