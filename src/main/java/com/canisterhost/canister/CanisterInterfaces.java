package com.canisterhost.canister;

import com.canisterhost.candid.CandidInterface;
import com.canisterhost.identity.Caller;
import com.canisterhost.module.DeterminismProfile;
import com.canisterhost.module.ModuleService;
import com.canisterhost.module.ValidatedModule;
import com.canisterhost.principal.CanisterId;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Each canister's Candid interface: the {@code candid:service} metadata of its module, or a {@code .did} a
 * controller attached to a canister whose module declares none. A module's {@code icp:private} interface is shown
 * to controllers only, as the IC shows private metadata.
 */
@Service
public class CanisterInterfaces {

    /** An interface and where it comes from: {@code module} or {@code attached}. */
    public record Described(String text, String source, boolean isPublic) {}

    private final JdbcClient jdbc;
    private final com.canisterhost.state.CanisterRows rows;
    private final ModuleService modules;
    private final CanisterAccess access;
    private final com.canisterhost.state.ModuleChanges moduleChanges;
    /** Parsed interfaces by their text: modules and attached ones repeat across canisters and calls. */
    private final java.util.Map<String, CandidInterface> parsed = new java.util.concurrent.ConcurrentHashMap<>();

    /** Each canister's interface as calls are typed by (empty: none), until its module or attachment changes. */
    private final java.util.Map<String, Optional<CandidInterface>> byCanister =
            new java.util.concurrent.ConcurrentHashMap<>();

    CanisterInterfaces(JdbcClient jdbc, com.canisterhost.state.CanisterRows rows, ModuleService modules,
            CanisterAccess access, com.canisterhost.state.ModuleChanges moduleChanges) {
        this.jdbc = jdbc;
        this.rows = rows;
        this.modules = modules;
        this.access = access;
        this.moduleChanges = moduleChanges;
        moduleChanges.listen(byCanister::remove);
    }

    private record Row(String id, byte[] moduleHash, String profile, String attached) {}

    /** The canister's interface as {@code caller} may see it. */
    @Transactional(readOnly = true)
    public Described describe(String id, Caller caller) {
        Row row = row(id);
        Optional<ValidatedModule.CandidMetadata> declared = declared(row);
        if (declared.isPresent()) {
            if (!declared.get().isPublic()) {
                access.requireController(row.id(), caller);
            }
            return new Described(declared.get().text(), "module", declared.get().isPublic());
        }
        if (row.attached() != null) {
            return new Described(row.attached(), "attached", true);
        }
        throw new CandidNotFoundException("canister " + row.id() + " has no Candid interface: "
                + (row.moduleHash() == null ? "it has no module" : "its module declares no candid:service")
                + ", and none was attached");
    }

    /**
     * Attaches {@code did} (checked first: it must parse) to a canister whose module declares no interface; it
     * replaces an earlier attached one and stays across installs of modules without their own.
     */
    @Transactional
    public Described attach(String id, String did, Caller caller) {
        access.requireController(id, caller);
        Row row = row(id);
        if (declared(row).isPresent()) {
            throw new CanisterStateException(CanisterStateException.Conflict.CANDID_IN_MODULE, "the module of canister "
                    + row.id() + " declares its own Candid interface (candid:service), which cannot be replaced");
        }
        CandidInterface.parse(did);
        rows.attachCandid(row.id(), did);
        moduleChanges.changed(row.id()); // the attached interface stands in for the module's
        return new Described(did, "attached", true);
    }

    /** Removes an attached interface. */
    @Transactional
    public void detach(String id, Caller caller) {
        access.requireController(id, caller);
        String canonical = row(id).id();
        if (rows.detachCandid(canonical) != 1) {
            throw new CandidNotFoundException("canister " + canonical + " has no attached Candid interface");
        }
        moduleChanges.changed(canonical);
    }

    /** The canister's interface parsed, as {@code caller} may see it (see {@link #describe}). */
    @Transactional(readOnly = true)
    public CandidInterface readable(String id, Caller caller) {
        Described described = describe(id, caller);
        try {
            return parsed(described.text());
        } catch (com.canisterhost.candid.InvalidCandidException e) {
            throw new CandidNotFoundException("the Candid interface of canister " + id + " does not parse: "
                    + e.getMessage());
        }
    }

    private CandidInterface parsed(String text) {
        CandidInterface cached = parsed.get(text);
        if (cached == null) {
            cached = CandidInterface.parse(text);
            if (parsed.size() >= 256) {
                parsed.clear();
            }
            parsed.put(text, cached);
        }
        return cached;
    }

    /**
     * The parsed interface calls are typed by (whatever its visibility: it types the arguments, it is not shown),
     * or null if the canister has none or its text does not parse.
     */
    public CandidInterface interfaceOf(String id) {
        Optional<CandidInterface> known = byCanister.get(id); // ids come canonical, as a rule: no parse needed
        if (known != null) {
            return known.orElse(null);
        }
        String canonical = canonical(id);
        known = byCanister.get(canonical);
        if (known != null) {
            return known.orElse(null);
        }
        Row row = row(canonical);
        String text = declared(row).map(ValidatedModule.CandidMetadata::text).orElse(row.attached());
        CandidInterface found = null;
        if (text != null) {
            try {
                found = parsed(text);
            } catch (com.canisterhost.candid.InvalidCandidException e) {
                found = null; // a module's own metadata is not checked at install (the IC does not either)
            }
        }
        if (byCanister.size() >= 10_000) {
            byCanister.clear();
        }
        byCanister.put(canonical, Optional.ofNullable(found));
        return found;
    }

    private Optional<ValidatedModule.CandidMetadata> declared(Row row) {
        if (row.moduleHash() == null) {
            return Optional.empty();
        }
        return modules.load(row.moduleHash(), DeterminismProfile.parse(row.profile())).candidService();
    }

    private static String canonical(String id) {
        try {
            return CanisterId.parse(id).toText();
        } catch (IllegalArgumentException e) {
            throw new CanisterNotFoundException("no canister " + id + ": " + e.getMessage());
        }
    }

    private Row row(String id) {
        String canonical = canonical(id);
        return jdbc.sql("SELECT id, module_hash, profile, candid_attached FROM canisters WHERE id = ?")
                .param(canonical)
                .query((rs, n) -> new Row(rs.getString(1), rs.getBytes(2), rs.getString(3), rs.getString(4)))
                .optional()
                .orElseThrow(() -> new CanisterNotFoundException("no canister " + canonical));
    }
}
