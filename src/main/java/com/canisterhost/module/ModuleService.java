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
    private final JdbcClient jdbc;
    private final Map<String, ValidatedModule> modules;

    ModuleService(ModuleProperties properties, HostFunctionCatalog catalog, JdbcClient jdbc) {
        this.decoder = new ModuleDecoder(properties.maxSize().toBytes());
        this.validator = new ModuleValidator(catalog::provides);
        this.jdbc = jdbc;
        this.modules = lruMap(properties.cachedModules());
    }

    /** Decodes (gzip or raw) and validates an upload. */
    public ValidatedModule prepare(byte[] upload) {
        ValidatedModule module = validator.validate(decoder.decode(upload));
        modules.put(module.hashHex(), module);
        return module;
    }

    /** Stores the module under its hash; storing the same bytes again is a no-op. Joins the caller's transaction. */
    public void store(ValidatedModule module) {
        jdbc.sql("INSERT INTO modules (hash, bytes, size) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING")
                .params(module.hash(), module.bytes(), module.bytes().length)
                .update();
    }

    /** The stored module with this hash (validated when it was installed). */
    public ValidatedModule load(byte[] hash) {
        String key = HexFormat.of().formatHex(hash);
        ValidatedModule cached = modules.get(key);
        if (cached != null) {
            return cached;
        }
        byte[] bytes = jdbc.sql("SELECT bytes FROM modules WHERE hash = ?")
                .param(hash)
                .query(byte[].class)
                .single();
        return prepare(bytes);
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
