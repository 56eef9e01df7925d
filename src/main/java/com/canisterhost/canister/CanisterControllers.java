package com.canisterhost.canister;

import com.canisterhost.execution.ControllerLookup;
import com.canisterhost.principal.CanisterId;
import org.springframework.stereotype.Component;

/** Answers {@code ic0.is_controller} from the canister's current controller list. */
@Component
class CanisterControllers implements ControllerLookup {

    private final CanisterRepository canisters;

    CanisterControllers(CanisterRepository canisters) {
        this.canisters = canisters;
    }

    @Override
    public boolean isController(String canisterId, byte[] principal) {
        String text = new CanisterId(principal).toText();
        return canisters.findById(canisterId).map(c -> c.controllers().contains(text)).orElse(false);
    }
}
