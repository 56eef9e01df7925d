package com.canisterhost.module;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Turns uploaded bytes into raw Wasm: {@code \0asm} passes through, gzip ({@code 1f 8b 08}) is inflated, whatever the
 * Content-Type said. The gzip size footer is checked against the cap before inflating, and at most cap + 1 bytes are
 * ever inflated, so a gzip bomb fails fast without allocating what it claims.
 */
final class ModuleDecoder {

    private final long maxSize;

    ModuleDecoder(long maxSize) {
        this.maxSize = maxSize;
    }

    byte[] decode(byte[] upload) {
        if (upload.length > maxSize) {
            throw new ModuleTooLargeException(
                    "module is " + upload.length + " bytes; the limit is " + maxSize + " bytes");
        }
        byte[] wasm = isGzip(upload) ? inflate(upload) : upload;
        if (wasm.length < 4 || wasm[0] != 0 || wasm[1] != 'a' || wasm[2] != 's' || wasm[3] != 'm') {
            throw new InvalidModuleException(InvalidModuleException.Kind.MALFORMED, "bad-magic", ModuleLocation.at(0),
                    isGzip(upload) ? "the gzip content is not a WebAssembly module (no \\0asm magic)"
                            : "not a WebAssembly module: it must start with \\0asm (raw) or 1f 8b 08 (gzip)");
        }
        return wasm;
    }

    private static boolean isGzip(byte[] bytes) {
        return bytes.length >= 3 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b && bytes[2] == 8;
    }

    private byte[] inflate(byte[] gzip) {
        if (gzip.length < 18) {
            throw gzipProblem("gzip module is truncated");
        }
        int n = gzip.length;
        // ISIZE: the uncompressed size modulo 2^32, little-endian in the last four bytes.
        long declared = (gzip[n - 4] & 0xffL) | (gzip[n - 3] & 0xffL) << 8 | (gzip[n - 2] & 0xffL) << 16
                | (gzip[n - 1] & 0xffL) << 24;
        if (declared > maxSize) {
            throw new ModuleTooLargeException("gzip module declares " + declared + " uncompressed bytes; the limit is "
                    + maxSize + " bytes");
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            byte[] inflated = in.readNBytes((int) declared + 1);
            if (inflated.length != declared) {
                if (inflated.length > declared && declared == maxSize) {
                    throw new ModuleTooLargeException("gzip module inflates past the limit of " + maxSize + " bytes");
                }
                throw gzipProblem("gzip module does not inflate to the " + declared + " bytes its footer declares");
            }
            return inflated;
        } catch (IOException e) {
            throw gzipProblem("gzip module is corrupt: " + e.getMessage());
        }
    }

    private static InvalidModuleException gzipProblem(String message) {
        return new InvalidModuleException(InvalidModuleException.Kind.MALFORMED, "gzip", ModuleLocation.MODULE,
                message);
    }
}
