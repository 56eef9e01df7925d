package com.canisterhost.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Mutations of real Wasm modules for fuzzing: bit flips, truncations, section reorders and duplications, and
 * corrupted length fields (section sizes and the vector counts that open most sections), sometimes gzipped. Every
 * mutation is a pure function of the seed module and the {@link Random}, so a failure can be replayed.
 */
public final class WasmMutator {

    /** A module's sections as found: id, and payload bounds; the header is the first 8 bytes. */
    private record Section(int id, int start, int sizeOffset, int payloadStart, int end) {}

    private final Random random;

    public WasmMutator(Random random) {
        this.random = random;
    }

    /** One mutation, named by what was done (for failure messages). */
    public record Mutant(String how, byte[] bytes) {}

    public Mutant mutate(byte[] module) {
        int kind = random.nextInt(100);
        Mutant mutant;
        if (kind < 30) {
            mutant = bitFlips(module);
        } else if (kind < 45) {
            mutant = truncate(module);
        } else if (kind < 60) {
            mutant = reorder(module);
        } else if (kind < 85) {
            mutant = corruptLength(module);
        } else if (kind < 92) {
            mutant = spliceBytes(module);
        } else {
            mutant = duplicateSection(module);
        }
        if (random.nextInt(20) == 0) {
            byte[] gzipped = gzip(mutant.bytes());
            if (random.nextBoolean()) {
                // a corrupt gzip stream or size footer
                gzipped[8 + random.nextInt(gzipped.length - 8)] ^= (byte) (1 << random.nextInt(8));
            }
            return new Mutant("gzip(" + mutant.how() + ")", gzipped);
        }
        return mutant;
    }

    private Mutant bitFlips(byte[] module) {
        byte[] bytes = module.clone();
        int flips = 1 + random.nextInt(8);
        for (int i = 0; i < flips; i++) {
            bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return new Mutant(flips + " bit flips", bytes);
    }

    private Mutant truncate(byte[] module) {
        int length = random.nextInt(module.length);
        byte[] bytes = new byte[length];
        System.arraycopy(module, 0, bytes, 0, length);
        return new Mutant("truncated to " + length, bytes);
    }

    private Mutant reorder(byte[] module) {
        List<Section> sections = sections(module);
        if (sections.size() < 2) {
            return bitFlips(module);
        }
        List<Section> order = new ArrayList<>(sections);
        if (random.nextBoolean()) {
            Collections.shuffle(order, random);
        } else {
            int a = random.nextInt(order.size());
            int b = random.nextInt(order.size());
            Collections.swap(order, a, b);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(module, 0, 8);
        for (Section section : order) {
            out.write(module, section.start(), section.end() - section.start());
        }
        int tail = sections.get(sections.size() - 1).end();
        out.write(module, tail, module.length - tail);
        return new Mutant("sections reordered", out.toByteArray());
    }

    private Mutant duplicateSection(byte[] module) {
        List<Section> sections = sections(module);
        if (sections.isEmpty()) {
            return bitFlips(module);
        }
        Section section = sections.get(random.nextInt(sections.size()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(module, 0, section.end());
        out.write(module, section.start(), section.end() - section.start());
        out.write(module, section.end(), module.length - section.end());
        return new Mutant("section " + section.id() + " duplicated", out.toByteArray());
    }

    /** Replaces a section size, or the LEB128 count that starts a section's payload, with a wrong value. */
    private Mutant corruptLength(byte[] module) {
        List<Section> sections = sections(module);
        if (sections.isEmpty()) {
            return bitFlips(module);
        }
        Section section = sections.get(random.nextInt(sections.size()));
        boolean sizeField = random.nextBoolean() || section.payloadStart() >= section.end();
        int fieldStart = sizeField ? section.sizeOffset() : section.payloadStart();
        int fieldEnd = lebEnd(module, fieldStart);
        long original = readLeb(module, fieldStart);
        long value = switch (random.nextInt(7)) {
            case 0 -> 0;
            case 1 -> original + 1;
            case 2 -> Math.max(0, original - 1);
            case 3 -> 0xFFFF_FFFFL;
            case 4 -> 0x7FFF_FFFFL;
            case 5 -> original * 2 + random.nextInt(1 << 20);
            default -> random.nextInt(1 << 16);
        };
        byte[] leb = random.nextInt(4) == 0 ? overlongLeb(value) : leb(value);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(module, 0, fieldStart);
        out.write(leb, 0, leb.length);
        out.write(module, fieldEnd, module.length - fieldEnd);
        return new Mutant((sizeField ? "size" : "count") + " of section " + section.id() + " " + original + " -> "
                + value, out.toByteArray());
    }

    /** Inserts or deletes a few random bytes (shifting everything behind them). */
    private Mutant spliceBytes(byte[] module) {
        int at = random.nextInt(module.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(module, 0, at);
        int n = 1 + random.nextInt(16);
        if (random.nextBoolean()) {
            byte[] noise = new byte[n];
            random.nextBytes(noise);
            out.write(noise, 0, n);
            out.write(module, at, module.length - at);
            return new Mutant(n + " bytes inserted at " + at, out.toByteArray());
        }
        int from = Math.min(module.length, at + n);
        out.write(module, from, module.length - from);
        return new Mutant(n + " bytes deleted at " + at, out.toByteArray());
    }

    private static List<Section> sections(byte[] module) {
        List<Section> sections = new ArrayList<>();
        int offset = 8;
        while (offset < module.length) {
            int start = offset;
            int id = module[offset++] & 0xff;
            if (offset >= module.length) {
                break;
            }
            int sizeOffset = offset;
            long size = readLeb(module, offset);
            offset = lebEnd(module, offset);
            if (size < 0 || offset + size > module.length) {
                break;
            }
            sections.add(new Section(id, start, sizeOffset, offset, (int) (offset + size)));
            offset += (int) size;
        }
        return sections;
    }

    private static long readLeb(byte[] bytes, int offset) {
        long value = 0;
        int shift = 0;
        while (offset < bytes.length && shift < 35) {
            int b = bytes[offset++] & 0xff;
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
            shift += 7;
        }
        return -1;
    }

    private static int lebEnd(byte[] bytes, int offset) {
        int i = offset;
        while (i < bytes.length && i - offset < 5 && (bytes[i] & 0x80) != 0) {
            i++;
        }
        return Math.min(bytes.length, i + 1);
    }

    private static byte[] leb(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        do {
            int b = (int) (value & 0x7f);
            value >>>= 7;
            out.write(value != 0 ? b | 0x80 : b);
        } while (value != 0);
        return out.toByteArray();
    }

    /** The same value in five bytes, as the format allows for u32. */
    private static byte[] overlongLeb(long value) {
        byte[] out = new byte[5];
        for (int i = 0; i < 5; i++) {
            out[i] = (byte) (((value >>> (7 * i)) & 0x7f) | (i < 4 ? 0x80 : 0));
        }
        return out;
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
