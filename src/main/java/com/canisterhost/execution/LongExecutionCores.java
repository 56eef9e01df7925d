package com.canisterhost.execution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cores that executions past their time slice share, so that the others stay free for short calls: the IC's
 * scheduler likewise reserves {@code long_execution_cores} for long executions and runs new ones on the rest.
 *
 * <p>A worker thread whose execution ran past its slice is confined to these cores by setting its CPU affinity.
 * Lowering the thread's priority instead was tried first and did not help: on the 2-core VM this was measured on,
 * a thread woken on a core busy with a spinning one waited for the next scheduler tick (4 ms) whatever the
 * spinner's priority, nice 19 or {@code SCHED_IDLE}. With two spinning canisters confined to one core, the other
 * canisters' p99 update latency stayed near its idle value.
 *
 * <p>Java cannot set a thread's affinity, so this runs {@code taskset} on the thread's kernel id. A worker thread
 * that was confined ends after its job and a new thread, with the creating thread's affinity (all cores), takes its
 * place. Where the kernel id cannot be read (not Linux), there is a single core, or {@code taskset} cannot run, it
 * does nothing.
 */
final class LongExecutionCores {

    private static final Logger log = LoggerFactory.getLogger(LongExecutionCores.class);

    /** The reserved cores as taskset takes them (e.g. "1"), or null if there are none. */
    private volatile String reserved;

    /** Reserves the last {@code count} of the cores this process may use (at most all but one; 0: none). */
    LongExecutionCores(int count) {
        List<Integer> allowed = allowedCores();
        int n = Math.min(count, allowed.size() - 1);
        if (n <= 0 || !Files.isReadable(Path.of("/proc/thread-self/stat"))) {
            this.reserved = null;
            return;
        }
        StringBuilder cores = new StringBuilder();
        for (int core : allowed.subList(allowed.size() - n, allowed.size())) {
            cores.append(cores.isEmpty() ? "" : ",").append(core);
        }
        this.reserved = cores.toString();
    }

    /** The reserved cores (e.g. "1"), or null if none are. */
    String reserved() {
        return reserved;
    }

    /** The calling thread's kernel id, or -1 if it cannot be known or nothing is reserved. */
    long currentThreadId() {
        if (reserved == null) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            return Long.parseLong(stat.substring(0, stat.indexOf(' ')));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Starts confining thread {@code threadId} (from {@link #currentThreadId}); false if that is not possible. */
    boolean confine(long threadId) {
        String cores = reserved;
        if (cores == null || threadId < 0) {
            return false;
        }
        try {
            new ProcessBuilder("taskset", "--cpu-list", "--pid", cores, Long.toString(threadId))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start(); // not waited for: the JDK reaps it
            return true;
        } catch (IOException e) {
            reserved = null;
            log.warn("cannot confine executions past their time slice to reserved cores ({}); they run on all",
                    e.getMessage());
            return false;
        }
    }

    /** The cores thread {@code threadId} of this process may run on, as the kernel reports them. */
    static List<Integer> coresOf(long threadId) throws IOException {
        return parse(status(Path.of("/proc/self/task/" + threadId + "/status")));
    }

    private static List<Integer> allowedCores() {
        try {
            return parse(status(Path.of("/proc/self/status")));
        } catch (IOException | RuntimeException e) {
            return List.of(); // not Linux
        }
    }

    private static String status(Path file) throws IOException {
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("Cpus_allowed_list:")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        throw new IOException("no Cpus_allowed_list in " + file);
    }

    /** A CPU list such as "0-3,8,10-11". */
    static List<Integer> parse(String list) {
        List<Integer> cores = new ArrayList<>();
        for (String part : list.split(",")) {
            String[] range = part.trim().split("-");
            int from = Integer.parseInt(range[0]);
            int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
            for (int core = from; core <= to; core++) {
                cores.add(core);
            }
        }
        return cores;
    }
}
