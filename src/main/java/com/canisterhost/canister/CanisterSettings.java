package com.canisterhost.canister;

import com.canisterhost.principal.CanisterId;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The IC's {@code update_settings} for what this host has: controllers, log visibility, environment variables. */
@Service
public class CanisterSettings {

    /** The IC's limit. */
    public static final int MAX_CONTROLLERS = 10;

    private final CanisterRepository canisters;
    private final EnvironmentVariables environment;
    private final Clock clock = Clock.systemUTC();

    CanisterSettings(CanisterRepository canisters, EnvironmentVariables environment) {
        this.canisters = canisters;
        this.environment = environment;
    }

    /**
     * Replaces what is given (non-null) and keeps the rest. Controllers are principals in text form, at most
     * {@value #MAX_CONTROLLERS}, duplicates folded; an empty list leaves the canister to the admin alone. Environment
     * variables replace the canister's ({@link EnvironmentVariables#replace}).
     */
    @Transactional
    public CanisterStatus update(String id, List<String> controllers, String logVisibility,
            List<EnvironmentVariable> environmentVariables) {
        List<String> canonical = controllers == null ? null : canonical(controllers);
        LogVisibility visibility = logVisibility == null ? null : LogVisibility.parse(logVisibility);
        CanisterEntity canister = canisters.findById(canonicalId(id))
                .orElseThrow(() -> new CanisterNotFoundException("no canister " + id));
        if (canonical != null) {
            canister.controllers(canonical, clock.instant());
        }
        if (visibility != null) {
            canister.logVisibility(visibility.text(), clock.instant());
        }
        if (environmentVariables != null) {
            environment.replace(canister.id(), environmentVariables);
        }
        canisters.flush();
        return environment.addTo(canister.toStatus(canisters.persistedBytes(canister.id())));
    }

    private static List<String> canonical(List<String> controllers) {
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
