package com.canisterhost.canister;

import com.canisterhost.execution.Executor;
import com.canisterhost.principal.CanisterId;
import com.canisterhost.state.CanisterRows;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** The IC's {@code update_settings} for what this host has: controllers, log visibility, environment variables. */
@Service
public class CanisterSettings {

    /** The IC's limit. */
    public static final int MAX_CONTROLLERS = 10;

    private final CanisterManagement management;
    private final Executor executor;
    private final CanisterRows canisterRows;
    private final TransactionTemplate transactions;
    private final EnvironmentVariables environment;

    CanisterSettings(CanisterManagement management, Executor executor, CanisterRows canisterRows,
            TransactionTemplate transactions, EnvironmentVariables environment) {
        this.management = management;
        this.executor = executor;
        this.canisterRows = canisterRows;
        this.transactions = transactions;
        this.environment = environment;
    }

    /**
     * Replaces what is given (non-null) and keeps the rest. Controllers are principals in text form, at most
     * {@value #MAX_CONTROLLERS}, duplicates folded; an empty list leaves the canister to the admin alone. Environment
     * variables replace the canister's ({@link EnvironmentVariables#replace}). A change is a new canister version,
     * written in one transaction on the canister's lane: between its executions, and one lifecycle change at a
     * time, so that it never overwrites a status a stop or start wrote meanwhile.
     */
    public CanisterStatus update(String id, List<String> controllers, String logVisibility,
            List<EnvironmentVariable> environmentVariables) {
        return update(id, controllers, logVisibility, environmentVariables, () -> null).status();
    }

    /** What {@link #update(String, List, String, List)} led to, and what ran alongside it. */
    record Updated<T>(CanisterStatus status, T alongside) {}

    /** {@link #update(String, List, String, List)}, running {@code alongside} in the transaction that updates. */
    <T> Updated<T> update(String id, List<String> controllers, String logVisibility,
            List<EnvironmentVariable> environmentVariables, java.util.function.Supplier<T> alongside) {
        java.util.concurrent.atomic.AtomicReference<T> result = new java.util.concurrent.atomic.AtomicReference<>();
        List<String> canonical = controllers == null ? null : canonical(controllers);
        LogVisibility visibility = logVisibility == null ? null : LogVisibility.parse(logVisibility);
        String canisterId = canonicalId(id);
        int changed = executor.exclusive(canisterId, true, () -> transactions.execute(tx -> {
            int rows = canisterRows.updateSettings(canisterId, canonical, visibility == null ? null : visibility.text());
            if (rows == 1 && environmentVariables != null) {
                environment.replace(canisterId, environmentVariables);
            }
            if (rows == 1) {
                result.set(alongside.get());
            }
            return rows;
        }));
        if (changed == 0) {
            throw new CanisterNotFoundException("no canister " + canisterId);
        }
        return new Updated<>(management.status(canisterId), result.get());
    }

    static List<String> canonical(List<String> controllers) {
        if (controllers.size() > MAX_CONTROLLERS) {
            throw new InvalidSettingsException("at most " + MAX_CONTROLLERS + " controllers, not "
                    + controllers.size());
        }
        Set<String> principals = new LinkedHashSet<>();
        for (String controller : controllers) {
            if (controller == null) {
                throw new InvalidSettingsException("a controller must be a principal, not null");
            }
            try {
                principals.add(CanisterId.parse(controller).toText());
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingsException("controller '" + abbreviate(controller)
                        + "' is not a principal in the IC's textual form");
            }
        }
        return List.copyOf(principals);
    }

    private static String canonicalId(String id) {
        try {
            return CanisterId.parse(id).toText();
        } catch (IllegalArgumentException e) {
            throw new CanisterNotFoundException("no canister " + abbreviate(id));
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
