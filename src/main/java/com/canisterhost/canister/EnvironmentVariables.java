package com.canisterhost.canister;

import com.canisterhost.execution.Environment;
import com.canisterhost.execution.EnvironmentLookup;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The canisters' environment variables (the IC's {@code environment_variables} setting) in
 * {@code canister_env_vars}, and the executions' view of them ({@link EnvironmentLookup}): kept in memory per
 * canister once an execution asked, and dropped when a change commits, so every execution that starts after a
 * change sees it, also on a canister held in memory, and one that is running keeps what it started with.
 */
@Service
public class EnvironmentVariables implements EnvironmentLookup {

    private final JdbcClient jdbc;
    private final Map<String, Environment> cache = new ConcurrentHashMap<>();

    EnvironmentVariables(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Replaces the canister's variables, in the caller's transaction, after checking them against the IC's limits:
     * at most {@value Environment#MAX_VARIABLES}, names unique, names and values of at most
     * {@value Environment#MAX_NAME_BYTES} bytes of UTF-8 (else 400). The caller's transaction has already locked the
     * canister's row (its settings UPDATE, on the canister's lane), so changes of one canister apply one at a time.
     */
    void replace(String canisterId, List<EnvironmentVariable> variables) {
        Map<String, String> checked = checked(variables);
        jdbc.sql("DELETE FROM canister_env_vars WHERE canister_id = ?").param(canisterId).update();
        checked.forEach((name, value) -> jdbc.sql("INSERT INTO canister_env_vars (canister_id, name, value) "
                + "VALUES (?, ?, ?)").params(canisterId, bytes(name), bytes(value)).update());
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            // a load that read the old rows before the commit is dropped too
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    cache.remove(canisterId);
                }
            });
        } else {
            cache.remove(canisterId);
        }
    }

    /** {@code status} with the canister's variables, in the order executions index them. */
    CanisterStatus addTo(CanisterStatus status) {
        return status.withEnvironmentVariables(stored(status.id()));
    }

    @Override
    public Environment environment(String canisterId) {
        // read from PostgreSQL on the first execution after a start or a change; a removal waits for a running load
        return cache.computeIfAbsent(canisterId, id -> {
            Map<String, String> variables = new LinkedHashMap<>();
            stored(id).forEach(variable -> variables.put(variable.name(), variable.value()));
            return variables.isEmpty() ? Environment.EMPTY : new Environment(variables);
        });
    }

    private List<EnvironmentVariable> stored(String canisterId) {
        return jdbc.sql("SELECT name, value FROM canister_env_vars WHERE canister_id = ? ORDER BY name")
                .param(canisterId)
                .query((rs, n) -> new EnvironmentVariable(new String(rs.getBytes(1), StandardCharsets.UTF_8),
                        new String(rs.getBytes(2), StandardCharsets.UTF_8)))
                .list();
    }

    private static Map<String, String> checked(List<EnvironmentVariable> variables) {
        if (variables.size() > Environment.MAX_VARIABLES) {
            throw new InvalidSettingsException("at most " + Environment.MAX_VARIABLES
                    + " environment variables, not " + variables.size());
        }
        Map<String, String> checked = new LinkedHashMap<>();
        for (EnvironmentVariable variable : variables) {
            if (variable == null || variable.name() == null || variable.value() == null) {
                throw new InvalidSettingsException("an environment variable is {\"name\": <text>, \"value\": <text>}");
            }
            int nameBytes = utf8Length(variable.name(), "an environment variable name");
            if (nameBytes > Environment.MAX_NAME_BYTES) {
                throw new InvalidSettingsException("an environment variable name is at most "
                        + Environment.MAX_NAME_BYTES + " bytes of UTF-8, not " + nameBytes);
            }
            int valueBytes = utf8Length(variable.value(), "the value of environment variable '" + variable.name()
                    + "'");
            if (valueBytes > Environment.MAX_VALUE_BYTES) {
                throw new InvalidSettingsException("the value of environment variable '" + variable.name()
                        + "' is at most " + Environment.MAX_VALUE_BYTES + " bytes of UTF-8, not " + valueBytes);
            }
            if (checked.putIfAbsent(variable.name(), variable.value()) != null) {
                throw new InvalidSettingsException("environment variable '" + variable.name() + "' is given twice");
            }
        }
        return checked;
    }

    /** The UTF-8 length of {@code text}, which must be well-formed (JSON can carry a lone surrogate). */
    private static int utf8Length(String text, String what) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
            return encoded.remaining();
        } catch (CharacterCodingException e) {
            throw new InvalidSettingsException(what + " is not well-formed Unicode text (a lone surrogate)");
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
