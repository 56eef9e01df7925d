package com.canisterhost.state;

/**
 * One line of a canister's log.
 *
 * @param timeNanos the {@code ic0.time} of the execution that wrote it
 * @param kind {@code print} ({@code ic0.debug_print}) or {@code trap} (why the execution failed)
 * @param content what was printed, or the trap message
 */
public record LogEntry(long timeNanos, String kind, String content) {

    public static LogEntry print(long timeNanos, String content) {
        return new LogEntry(timeNanos, "print", content);
    }

    public static LogEntry trap(long timeNanos, String content) {
        return new LogEntry(timeNanos, "trap", content);
    }

    /** A stored entry with its index in the canister's log. */
    public record Stored(long index, long timeNanos, String kind, String content) {}
}
