package com.canisterhost.identity;

import com.canisterhost.database.DatabaseFailures;
import com.canisterhost.principal.CanisterId;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/** Issues, lists and revokes API keys, and tells who a request's bearer key belongs to. */
@Service
public class ApiKeys {

    private static final String BEARER = "bearer ";
    /** A key is base64url; anything else in the header is refused before hashing. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_\\-.~+/=]{1,256}");

    /** Keys remembered for outages at most (an entry takes about 250 bytes); past it, new ones are not. */
    private static final int MAX_REMEMBERED_KEYS = 10_000;

    private final ApiKeyStore store;
    private final SecurityProperties security;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();
    private final byte[] adminKeyHash;
    private final Caller admin;
    /** Principals of the keys PostgreSQL last found valid, by key hash: for {@link #principalOf} in an outage. */
    private final Map<ByteBuffer, String> recentlyValid = new ConcurrentHashMap<>();

    ApiKeys(ApiKeyStore store, SecurityProperties security) {
        this.store = store;
        this.security = security;
        this.adminKeyHash = security.secured() ? Keys.hash(security.adminKey()) : null;
        this.admin = security.secured() ? new Caller(Keys.principal(adminKeyHash), Caller.Kind.ADMIN) : null;
    }

    /** A new key for a new principal; the key is returned here and never again. */
    public IssuedKey issue(String name) {
        String key = Keys.generate(random);
        byte[] hash = Keys.hash(key);
        String principal = Keys.principal(hash).toText();
        var now = clock.instant().truncatedTo(ChronoUnit.MICROS); // what PostgreSQL keeps
        store.insert(principal, hash, name, now);
        return new IssuedKey(key, principal, name, now);
    }

    public List<ApiKey> list() {
        return store.list();
    }

    /** Revokes the key of {@code principal}; its requests get 401 from now on. */
    public ApiKey revoke(String principal) {
        String canonical = canonical(principal);
        if (!store.revoke(canonical, clock.instant().truncatedTo(ChronoUnit.MICROS))) {
            throw new KeyNotFoundException("no API key has the principal " + canonical);
        }
        recentlyValid.values().removeIf(canonical::equals);
        return store.find(canonical).orElseThrow();
    }

    /**
     * The caller an {@code Authorization} header stands for: anonymous without one, else the admin or the key's
     * principal. A header that is not a bearer key, or names an unknown or revoked key, is refused.
     */
    public Caller authenticate(String authorization) {
        if (authorization == null) {
            return Caller.ANONYMOUS;
        }
        if (authorization.length() <= BEARER.length()
                || !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            throw new AuthenticationRequiredException("the Authorization header must be 'Bearer <key>'");
        }
        String token = authorization.substring(BEARER.length()).trim();
        if (!TOKEN.matcher(token).matches()) {
            throw new AuthenticationRequiredException("the bearer key is malformed");
        }
        byte[] hash = Keys.hash(token);
        if (adminKeyHash != null && Keys.sameHash(hash, adminKeyHash)) {
            return admin;
        }
        return principalOf(hash)
                .map(principal -> new Caller(CanisterId.parse(principal), Caller.Kind.KEY))
                .orElseThrow(() -> new AuthenticationRequiredException("unknown or revoked API key"));
    }

    /**
     * The principal of a valid key, as PostgreSQL says; while PostgreSQL is unreachable, as it last said, so that
     * queries of canisters in memory go on being answered (nobody can revoke a key meanwhile: that needs
     * PostgreSQL too). A key not seen before the outage fails as the database access did.
     */
    private Optional<String> principalOf(byte[] hash) {
        ByteBuffer key = ByteBuffer.wrap(hash);
        Optional<String> principal;
        try {
            principal = store.principalOf(hash);
        } catch (RuntimeException e) {
            String known = DatabaseFailures.unreachable(e) ? recentlyValid.get(key) : null;
            if (known == null) {
                throw e;
            }
            return Optional.of(known);
        }
        if (principal.isEmpty()) {
            recentlyValid.remove(key);
        } else if (!principal.get().equals(recentlyValid.get(key)) && recentlyValid.size() < MAX_REMEMBERED_KEYS) {
            recentlyValid.put(key, principal.get());
        }
        return principal;
    }

    /** Whether {@code token} has the syntax of a bearer key (base64, base64url or hex). */
    static boolean wellFormed(String token) {
        return TOKEN.matcher(token).matches();
    }

    /** Whether the service runs with an admin key (otherwise: open development mode). */
    public boolean secured() {
        return security.secured();
    }

    /** Work that any key may ask for (a module's dry run): with an admin key set, anonymous callers may not. */
    public void requireKey(Caller caller, String what) {
        if (caller.anonymous() && security.secured()) {
            throw new AuthenticationRequiredException(what + " needs an API key (Authorization: Bearer <key>)");
        }
    }

    /**
     * Work for the admin alone (in development mode for anyone): an anonymous caller is told {@code needsKey}
     * (401), another key's {@code onlyAdmin} (403).
     */
    public void requireAdmin(Caller caller, String needsKey, String onlyAdmin) {
        if (!security.secured() || caller.admin()) {
            return;
        }
        if (caller.anonymous()) {
            throw new AuthenticationRequiredException(needsKey);
        }
        throw new AccessDeniedException(onlyAdmin);
    }

    /** Managing keys is for the admin; in development mode for anyone. */
    public void requireKeyManager(Caller caller) {
        requireAdmin(caller, "managing API keys needs the admin key", "only the admin may manage API keys");
    }

    private static String canonical(String principal) {
        try {
            return CanisterId.parse(principal).toText();
        } catch (IllegalArgumentException e) {
            throw new KeyNotFoundException("no API key has the principal " + principal);
        }
    }
}
