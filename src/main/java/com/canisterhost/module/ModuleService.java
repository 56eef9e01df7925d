package com.canisterhost.module;

import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Decodes and validates uploads, stores modules by content hash, and hands out parsed modules (kept in a bounded
 * cache, so a module is parsed and validated once per hash while it stays in use).
 */
@Service
public class ModuleService {

    private final ModuleDecoder decoder;
    private final ModuleValidator validator;
    private final DeterminismProfile defaultProfile;
    private final JdbcClient jdbc;
    private final Map<String, ValidatedModule> modules;

    ModuleService(ModuleProperties properties, HostFunctionCatalog catalog, JdbcClient jdbc) {
        this.decoder = new ModuleDecoder(properties.maxSize().toBytes());
        this.validator = new ModuleValidator(catalog::provides, properties.limits());
        this.defaultProfile = properties.profile();
        this.jdbc = jdbc;
        this.modules = lruMap(properties.cachedModules());
    }

    /** The profile installs use when they do not name one. */
    public DeterminismProfile defaultProfile() {
        return defaultProfile;
    }

    /** Decodes (gzip or raw) and validates an upload under {@code profile}. */
    public ValidatedModule prepare(byte[] upload, DeterminismProfile profile) {
        ValidatedModule module = validator.validate(decoder.decode(upload), profile);
        modules.put(key(module.hash(), profile), module);
        return module;
    }

    /** A dry run of {@link #prepare}: the verdict and what the module declares, installing nothing. */
    public ValidationReport validate(byte[] upload, DeterminismProfile profile) {
        byte[] wasm = decoder.decode(upload);
        String hash = java.util.HexFormat.of().formatHex(ModuleValidator.sha256(wasm));
        try {
            return ModuleReports.of(validator.validate(wasm, profile));
        } catch (InvalidModuleException e) {
            return new ValidationReport(false, profile.label(), hash, wasm.length,
                    new ValidationReport.Problem(e.kind().type(), e.rule(), e.getMessage(), e.location()),
                    new ValidationReport.Exports(java.util.List.of(), java.util.List.of(), java.util.List.of(),
                            java.util.List.of()), java.util.List.of(), null, java.util.List.of());
        }
    }

    /** Stores the module under its hash; storing the same bytes again is a no-op. Joins the caller's transaction. */
    public void store(ValidatedModule module) {
        jdbc.sql("INSERT INTO modules (hash, bytes, size) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING")
                .params(module.hash(), module.bytes(), module.bytes().length)
                .update();
    }

    /** The stored module with this hash, as installed under {@code profile} (it was validated then). */
    public ValidatedModule load(byte[] hash, DeterminismProfile profile) {
        return modules.computeIfAbsent(key(hash, profile), key -> validator.reload(jdbc
                .sql("SELECT bytes FROM modules WHERE hash = ?")
                .param(hash)
                .query(byte[].class)
                .single(), profile));
    }

    private static String key(byte[] hash, DeterminismProfile profile) {
        return HexFormat.of().formatHex(hash) + "/" + profile.label();
    }

    private static <V> Map<String, V> lruMap(int capacity) {
        return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        });
    }
}
