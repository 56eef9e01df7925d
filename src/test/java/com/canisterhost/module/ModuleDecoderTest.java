package com.canisterhost.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ModuleDecoderTest {

    private static final long CAP = 100L << 20;
    private final ModuleDecoder decoder = new ModuleDecoder(CAP);

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        }
        return out.toByteArray();
    }

    private static byte[] module(int size) {
        byte[] wasm = new byte[size];
        wasm[1] = 'a';
        wasm[2] = 's';
        wasm[3] = 'm';
        return wasm;
    }

    @Test
    void passesRawWasmAndInflatesGzip() throws IOException {
        byte[] wasm = module(5000);
        assertThat(decoder.decode(wasm)).isSameAs(wasm);
        assertThat(decoder.decode(gzip(wasm))).isEqualTo(wasm);
    }

    @Test
    void gzipBombIsRefusedFromItsFooterWithoutInflating() throws IOException {
        // A few KiB that honestly inflate to far more than the cap, with the footer saying 4 GiB - 1.
        byte[] bomb = gzip(new byte[8 << 20]);
        bomb[bomb.length - 4] = (byte) 0xff;
        bomb[bomb.length - 3] = (byte) 0xff;
        bomb[bomb.length - 2] = (byte) 0xff;
        bomb[bomb.length - 1] = (byte) 0xff;
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        long started = System.nanoTime();
        assertThatThrownBy(() -> decoder.decode(bomb)).isInstanceOf(ModuleTooLargeException.class)
                .hasMessageContaining("declares 4294967295");
        assertThat(System.nanoTime() - started).isLessThan(1_000_000_000L);
        assertThat(threads.getCurrentThreadAllocatedBytes() - allocatedBefore).isLessThan(1 << 20);
    }

    @Test
    void gzipWhoseFooterUnderstatesItsSizeInflatesAtMostOneByteTooMany() throws IOException {
        byte[] lying = gzip(module(64 << 10));
        lying[lying.length - 4] = 16; // claims 16 bytes
        lying[lying.length - 3] = 0;
        lying[lying.length - 2] = 0;
        lying[lying.length - 1] = 0;
        assertThatThrownBy(() -> decoder.decode(lying)).isInstanceOf(InvalidModuleException.class)
                .hasMessageContaining("does not inflate to the 16 bytes");
    }

    @Test
    void rejectsOversizedUploadsAndNonWasm() {
        assertThatThrownBy(() -> new ModuleDecoder(100).decode(module(101)))
                .isInstanceOf(ModuleTooLargeException.class);
        assertThatThrownBy(() -> decoder.decode("hello world".getBytes()))
                .isInstanceOf(InvalidModuleException.class).hasMessageContaining("\\0asm");
        assertThatThrownBy(() -> decoder.decode(new byte[] {0x1f, (byte) 0x8b, 8, 0}))
                .isInstanceOf(InvalidModuleException.class).hasMessageContaining("truncated");
    }
}
