package com.canisterhost.module;

import java.util.Arrays;

/**
 * The byte ranges of a module's code that the host inserted before metering it ({@link Memory64Lowering}): the
 * instructions in them are not the canister's, so they cost nothing and count towards no limit.
 */
final class InsertedCode {

    static final InsertedCode NONE = new InsertedCode(new int[0], new int[0]);

    private final int[] starts;
    private final int[] ends;

    /** Ranges {@code [starts[i], ends[i])}, sorted and disjoint. */
    InsertedCode(int[] starts, int[] ends) {
        this.starts = starts;
        this.ends = ends;
    }

    boolean isEmpty() {
        return starts.length == 0;
    }

    /** Whether the instruction at this byte offset was inserted. */
    boolean contains(int address) {
        int i = Arrays.binarySearch(starts, address);
        if (i >= 0) {
            return true;
        }
        int before = -i - 2; // the last range starting before the address
        return before >= 0 && address < ends[before];
    }
}
