package com.canisterhost.canister;

import com.canisterhost.identity.AccessDeniedException;
import com.canisterhost.identity.AuthenticationRequiredException;
import com.canisterhost.identity.Caller;
import com.canisterhost.identity.SecurityProperties;
import com.canisterhost.principal.CanisterId;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Who may manage a canister: its controllers and the admin. With an admin key configured, an anonymous management
 * request is 401 and a request by a principal that is not a controller is 403. In development mode (no admin key)
 * nobody needs a key, but controller checks still apply per principal: a canister created anonymously is controlled
 * by the anonymous principal, one created with a key by that key's principal.
 */
@Component
public class CanisterAccess {

    private final CanisterRepository canisters;
    private final SecurityProperties security;

    CanisterAccess(CanisterRepository canisters, SecurityProperties security) {
        this.canisters = canisters;
        this.security = security;
    }

    /** Creating a canister: any authenticated caller (anyone in development mode). */
    public void requireCreator(Caller caller) {
        requireAuthenticated(caller, "creating a canister");
    }

    /** Install, reinstall, upgrade, stop, start, delete, snapshots, settings: controllers and the admin. */
    @Transactional(readOnly = true)
    public void requireController(String id, Caller caller) {
        requireAuthenticated(caller, "managing a canister");
        CanisterEntity canister = find(id);
        if (caller.admin() || canister.controllers().contains(caller.text())) {
            return;
        }
        throw new AccessDeniedException(caller.text() + " is not a controller of canister " + canister.id());
    }

    /** Reading a canister's logs: anyone if its log visibility is {@code public}, else as for management. */
    @Transactional(readOnly = true)
    public void requireLogReader(String id, Caller caller) {
        if (LogVisibility.PUBLIC.text().equals(find(id).logVisibility())) {
            return;
        }
        requireController(id, caller);
    }

    /**
     * Reading a tracked call's outcome: its caller and the admin ({@code callCaller} null: a call recorded before
     * calls had callers, the admin alone). Anyone else is refused as for management: 401 anonymous (with an admin
     * key), else 403.
     */
    public void requireCallOwner(byte[] callCaller, Caller reader) {
        if (reader.admin() || (callCaller != null && java.util.Arrays.equals(callCaller, reader.bytes()))) {
            return;
        }
        requireAuthenticated(reader, "reading another caller's call");
        throw new AccessDeniedException(reader.text() + " did not make this call");
    }

    /** Calling canister methods: open to anyone, unless anonymous calls are switched off. */
    public void requireCaller(Caller caller) {
        if (caller.anonymous() && security.secured() && !security.anonymousCalls()) {
            throw new AuthenticationRequiredException("this service does not accept anonymous calls; send a key");
        }
    }

    private void requireAuthenticated(Caller caller, String what) {
        if (caller.anonymous() && security.secured()) {
            throw new AuthenticationRequiredException(what + " needs an API key (Authorization: Bearer <key>)");
        }
    }

    private CanisterEntity find(String id) {
        String canonical;
        try {
            canonical = CanisterId.parse(id).toText();
        } catch (IllegalArgumentException e) {
            throw new CanisterNotFoundException("no canister " + id + ": " + e.getMessage());
        }
        return canisters.findById(canonical)
                .orElseThrow(() -> new CanisterNotFoundException("no canister " + canonical));
    }
}
