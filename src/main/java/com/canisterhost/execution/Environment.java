package com.canisterhost.execution;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A canister's environment variables as an execution sees them: fixed when it starts, ordered by the bytes of their
 * UTF-8 names, which is how {@code env_var_name_*} index them (the IC keeps them in a map sorted by name).
 */
public final class Environment {

    /** The IC's limits. */
    public static final int MAX_VARIABLES = 20;
    public static final int MAX_NAME_BYTES = 128;
    public static final int MAX_VALUE_BYTES = 128;

    public static final Environment EMPTY = new Environment(Map.of());

    private final byte[][] names;
    private final Map<String, byte[]> values = new HashMap<>();

    /** The variables, name to value. */
    public Environment(Map<String, String> variables) {
        this.names = variables.keySet().stream()
                .map(name -> name.getBytes(StandardCharsets.UTF_8))
                .sorted(Arrays::compareUnsigned)
                .toArray(byte[][]::new);
        variables.forEach((name, value) -> values.put(name, value.getBytes(StandardCharsets.UTF_8)));
    }

    int count() {
        return names.length;
    }

    /** The UTF-8 name at {@code index} (0 to count - 1). */
    byte[] name(int index) {
        return names[index];
    }

    /** The UTF-8 value of the variable {@code name}, or null if there is none. */
    byte[] value(String name) {
        return values.get(name);
    }
}
