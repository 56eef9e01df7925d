package com.canisterhost.state;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Tells whoever keeps something derived from a canister's module (its parsed Candid interface, say) that the
 * module changed: an install, reinstall, upgrade, uninstall or snapshot load committed on this node, or a Candid
 * interface was attached or removed (it stands in for the module's). Listeners hear it at once and again after the
 * commit, so that nothing read from the old row in between stays.
 */
@Component
public class ModuleChanges {

    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    public void listen(Consumer<String> listener) {
        listeners.add(listener);
    }

    public void changed(String canisterId) {
        listeners.forEach(l -> l.accept(canisterId));
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    listeners.forEach(l -> l.accept(canisterId));
                }
            });
        }
    }
}
