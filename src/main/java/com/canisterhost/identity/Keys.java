package com.canisterhost.identity;

import com.canisterhost.principal.CanisterId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Key material: a key is 32 random bytes in base64url; only its SHA-256 is stored. Its principal is built like the
 * IC's self-authenticating principals, SHA-224 of the "public" material followed by 0x02 (29 bytes); here the
 * material is the key's SHA-256 under a domain separator, since a bearer key has no public key.
 */
final class Keys {

    static final String PREFIX = "chk_";
    private static final byte[] DOMAIN = "canister-host api key principal".getBytes(StandardCharsets.US_ASCII);
    private static final byte SELF_AUTHENTICATING = 0x02;

    private Keys() {}

    static String generate(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] hash(String key) {
        return digest("SHA-256", key.getBytes(StandardCharsets.UTF_8));
    }

    static CanisterId principal(byte[] keyHash) {
        byte[] material = new byte[DOMAIN.length + keyHash.length];
        System.arraycopy(DOMAIN, 0, material, 0, DOMAIN.length);
        System.arraycopy(keyHash, 0, material, DOMAIN.length, keyHash.length);
        byte[] principal = Arrays.copyOf(digest("SHA-224", material), 29);
        principal[28] = SELF_AUTHENTICATING;
        return new CanisterId(principal);
    }

    /** Equality in time independent of where the inputs differ. */
    static boolean sameHash(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    private static byte[] digest(String algorithm, byte[] input) {
        try {
            return MessageDigest.getInstance(algorithm).digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }
}
