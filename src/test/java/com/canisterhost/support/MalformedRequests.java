package com.canisterhost.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Malformed HTTP requests for fuzzing the API: bad JSON (truncated, mistyped, nested too deep, huge), bad canister
 * ids, method names and snapshot ids (percent-encoded control characters and invalid UTF-8 included), bad query
 * parameters, wrong content types and methods, unknown paths, huge and garbage headers, bad keys. Each is a pure
 * function of the {@link Random}.
 */
public final class MalformedRequests {

    /** A request as {@link Http#send} takes it, with a description for failure messages. */
    public record Fuzzed(String kind, String method, String path, String contentType, byte[] body, String[] headers) {

        @Override
        public String toString() {
            return kind + ": " + method + " " + (path.length() > 200 ? path.substring(0, 200) + "..." : path)
                    + " (" + contentType + ", " + (body == null ? "no body" : body.length + " bytes") + ")";
        }
    }

    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"};
    private static final String[] CONTENT_TYPES = {"text/plain", "application/xml", "application/json; charset=bogus",
        "foo", "foo/bar/baz", "multipart/form-data", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
        "application/json;;;", "*/*", "application/wasm; x=\"unterminated", "image/png", ""};
    private static final String[] ACCEPTS = {";;;", "application/", "*/*;q=abc", "text/html", "application/xml",
        "application/json;q=2", "octet/stream", "a/b, c/d;q=0.5, */*;q=0", "application/octet-stream;q=-1", "=", ","};

    private final Random random;
    private final String canister;
    private final String stopped;

    /** {@code canister}: an installed, running canister; {@code stopped}: a stopped one. */
    public MalformedRequests(Random random, String canister, String stopped) {
        this.random = random;
        this.canister = canister;
        this.stopped = stopped;
    }

    public Fuzzed next() {
        return switch (random.nextInt(12)) {
            case 0, 1 -> badJsonCall();
            case 2 -> badMethodName();
            case 3 -> badCanisterId();
            case 4 -> badInstall();
            case 5 -> wrongContentType();
            case 6 -> unknownPathOrMethod();
            case 7 -> hugeHeaders();
            case 8 -> badAuthorizationOrAccept();
            case 9 -> badSnapshotId();
            case 10 -> badSettingsOrKeys();
            default -> badValidate();
        };
    }

    private Fuzzed badJsonCall() {
        String kind = random.nextBoolean() ? "update" : "query";
        String id = random.nextInt(4) == 0 ? stopped : canister;
        String method = pick("echo", "echo_q", "inc", "get", "caller", "reject", "missing");
        return new Fuzzed("bad JSON call", "POST", "/v1/canisters/" + id + "/" + kind + "/" + method,
                "application/json", badJson(), new String[0]);
    }

    private byte[] badJson() {
        String json = switch (random.nextInt(16)) {
            case 0 -> new String(randomBytes(random.nextInt(64)), StandardCharsets.ISO_8859_1);
            case 1 -> "{\"arg\":\"" + Base64.getEncoder().encodeToString(randomBytes(20)) + "\"".substring(0,
                    random.nextInt(2));
            case 2 -> "{\"arg\": " + pick("5", "[1,2]", "{\"x\":1}", "true", "null", "-0", "1e999999", "\"\\ud800\"") + "}";
            case 3 -> "{\"arg\":\"" + pick("%%%", "AAA", "A===", "====", "QUJD\nREVG", "QUJ-_w", "\\u0000") + "\"}";
            case 4 -> "[".repeat(33 + random.nextInt(5000));
            case 5 -> "{\"a\":".repeat(33 + random.nextInt(2000)) + "1" + "}".repeat(random.nextInt(10));
            case 6 -> pick("null", "\"text\"", "42", "[]", "true", "", " ", "\ufeff{}", "{,}", "{\"arg\"}", "{'arg':'AA=='}");
            case 7 -> "{\"arg\":\"" + "A".repeat(random.nextInt(100_000)) + "\"}";
            case 8 -> "{\"arg\":\"AAAA\"," + "\"k\":0,".repeat(random.nextInt(1000)) + "\"z\":[" + "1,".repeat(
                    random.nextInt(1000)) + "1]}";
            case 9 -> "{\"" + "k".repeat(random.nextInt(70_000)) + "\":1}";
            case 10 -> "{\"arg\":" + "9".repeat(1000 + random.nextInt(5000)) + "}";
            case 11 -> "{\"arg\":\"AAAA\"}" + new String(randomBytes(8), StandardCharsets.ISO_8859_1);
            case 12 -> "{\"arg\":\"\\uZZZZ\"}";
            case 13 -> "{\"arg\":\"AAAA\"" + "/*comment*/" + "}";
            case 14 -> "{\"arg\":[" + "[".repeat(random.nextInt(60)) + "]".repeat(random.nextInt(60)) + "]}";
            default -> "{\"arg\":\"" + new String(randomBytes(32), StandardCharsets.ISO_8859_1) + "\"}";
        };
        return json.getBytes(random.nextBoolean() ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    private Fuzzed badMethodName() {
        String method = switch (random.nextInt(8)) {
            case 0 -> "m".repeat(256 + random.nextInt(3000));
            case 1 -> percentEncode(randomBytes(1 + random.nextInt(40)));
            case 2 -> pick("%00", "%0a", "%0d%0a", "%7f", "%ff", "%c3%28", "%ed%a0%80", "%f4%90%80%80", "%e2%82", "%c0%af");
            case 3 -> pick("..", "%2e%2e", "a%2Fb", "%2F", "a;b", "a%3Bb", "%25", "+", "%20", "a%09b");
            case 4 -> percentEncode(("\u00e9\u4e2d\ud83d\ude00" + "x".repeat(random.nextInt(300)))
                    .getBytes(StandardCharsets.UTF_8));
            case 5 -> "canister_update%20inc";
            case 6 -> pick("%25", "%2525", "a%25b", "%25zz");
            default -> randomAscii(1 + random.nextInt(300));
        };
        String kind = random.nextBoolean() ? "update" : "query";
        return new Fuzzed("bad method name", "POST", "/v1/canisters/" + canister + "/" + kind + "/" + method,
                "application/octet-stream", randomBytes(random.nextInt(16)), new String[0]);
    }

    private Fuzzed badCanisterId() {
        String id = switch (random.nextInt(6)) {
            case 0 -> randomAscii(1 + random.nextInt(60));
            case 1 -> percentEncode(randomBytes(1 + random.nextInt(30)));
            case 2 -> "a".repeat(1 + random.nextInt(3000));
            case 3 -> canister.substring(0, canister.length() - 1) + pick("a", "b", "7", "-", "A", "0", "1");
            case 4 -> pick("aaaaa-aa", "2vxsx-fae", "-", "--", "aaaaa", "AAAAA-AA", "%00", "aaaaa-aa-", "rrkah-fqaaa-aaaaa-aaaaq-cai");
            default -> canister.replace("-", random.nextBoolean() ? "" : "--");
        };
        String suffix = pick("", "/stop", "/start", "/module", "/snapshots", "/query/get", "/update/inc", "/controllers",
                "/settings");
        String method = suffix.isEmpty() ? pick("GET", "DELETE") : suffix.equals("/snapshots") ? pick("GET", "POST")
                : suffix.equals("/module") || suffix.equals("/controllers") ? "PUT" : suffix.equals("/settings")
                ? "PATCH" : "POST";
        String type = suffix.equals("/module") ? "application/wasm"
                : suffix.equals("/controllers") || suffix.equals("/settings") ? "application/json"
                : suffix.contains("/query") || suffix.contains("/update") ? "application/octet-stream" : null;
        byte[] body = type == null ? null : type.equals("application/json") ? "{}".getBytes(StandardCharsets.UTF_8)
                : randomBytes(random.nextInt(32));
        return new Fuzzed("bad canister id", method, "/v1/canisters/" + id + suffix, type, body, new String[0]);
    }

    private Fuzzed badInstall() {
        String query = switch (random.nextInt(6)) {
            case 0 -> "mode=" + pick("INSTALL!", "", "upgrad", "%00", "reinstall%20", "x".repeat(500));
            case 1 -> "arg=" + pick("z", "0", "0g", "%00", "abc", "0x00", "-1", "++") + "&mode=reinstall";
            case 2 -> "profile=" + pick("lax", "STRICT!", "%ff", "", "canonical_nan") + "&mode=reinstall";
            case 3 -> "mode=reinstall&mode=upgrade&arg=00&arg=zz";
            case 4 -> "arg=" + "ab".repeat(random.nextInt(2000)) + "&mode=" + pick("install", "upgrade");
            default -> percentEncode(randomBytes(20)) + "=" + percentEncode(randomBytes(20));
        };
        byte[] module = random.nextBoolean() ? randomBytes(random.nextInt(200))
                : new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0};
        // against the stopped canister: an accidentally valid install must not change the canister the calls use
        return new Fuzzed("bad install", "PUT", "/v1/canisters/" + stopped + "/module?" + query,
                pick("application/wasm", "application/octet-stream", "application/gzip"), module, new String[0]);
    }

    private Fuzzed wrongContentType() {
        String path = pick("/v1/canisters/" + canister + "/update/echo", "/v1/canisters/" + canister + "/query/echo_q",
                "/v1/canisters/" + canister + "/module", "/v1/modules/validate", "/v1/canisters/" + canister
                        + "/controllers", "/v1/keys", "/v1/canisters/" + canister + "/settings");
        String method = path.endsWith("/module") || path.endsWith("/controllers") ? "PUT"
                : path.endsWith("/settings") ? "PATCH" : "POST";
        String type = random.nextInt(3) == 0 ? "multipart/form-data; boundary=" + randomToken(10)
                : CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
        return new Fuzzed("wrong content type", method, path, type.isEmpty() ? "application/x-unknown" : type,
                randomBytes(random.nextInt(300)), new String[0]);
    }

    private Fuzzed unknownPathOrMethod() {
        String path = switch (random.nextInt(5)) {
            case 0 -> "/" + randomToken(1 + random.nextInt(30));
            case 1 -> "/v1/" + percentEncode(randomBytes(1 + random.nextInt(20)));
            case 2 -> "/v1/canisters/" + canister + "/" + randomToken(5) + "/" + randomToken(5) + "/" + randomToken(5);
            case 3 -> pick("/v1/canisters", "/v1/canisters/" + canister, "/v1/keys", "/v1/modules/validate",
                    "/actuator/health", "/v1/canisters/" + stopped + "/stop", "/error", "/actuator/env",
                    "/actuator/heapdump", "/v2/canisters", "/v1/canisters/" + canister + "/snapshots/1");
            // paths that may normalise to /stop go to the stopped canister: the running one must stay running
            default -> "/v1/canisters/" + stopped + "/" + pick("..", "%2e%2e/%2e%2e/etc/passwd", "./stop", "stop/",
                    "query", "update/", ";jsessionid=x", "stop;x=y", "%2fstop");
        };
        return new Fuzzed("unknown path or method", METHODS[random.nextInt(METHODS.length)], path,
                random.nextBoolean() ? null : "application/json", null, new String[0]);
    }

    private Fuzzed hugeHeaders() {
        List<String> headers = new ArrayList<>();
        if (random.nextBoolean()) {
            headers.add("X-Junk");
            headers.add(randomToken(17_000 + random.nextInt(40_000)));
        } else {
            int n = 50 + random.nextInt(300);
            for (int i = 0; i < n; i++) {
                headers.add("X-Junk-" + i);
                headers.add(randomToken(100 + random.nextInt(200)));
            }
        }
        return new Fuzzed("huge headers", pick("GET", "POST"), "/v1/canisters/" + canister + pick("", "/query/get"),
                null, null, headers.toArray(String[]::new));
    }

    private Fuzzed badAuthorizationOrAccept() {
        List<String> headers = new ArrayList<>();
        if (random.nextBoolean()) {
            headers.add("Authorization");
            headers.add(pick("Bearer", "Bearer ", "bearer x", "Basic Zm9vOmJhcg==", "Bearer " + randomToken(300),
                    "Bearer a b", "Token abc", "Bearer " + "k".repeat(10_000), "Bearer chk_" + randomToken(43), "Bearer %00"));
        } else {
            headers.add("Accept");
            headers.add(ACCEPTS[random.nextInt(ACCEPTS.length)]);
        }
        String path = pick("/v1/canisters/" + canister + "/query/get", "/v1/canisters/" + canister + "/update/inc",
                "/v1/canisters/" + canister, "/v1/keys", "/v1/canisters");
        String method = path.contains("/query/") || path.contains("/update/") ? "POST" : "GET";
        return new Fuzzed("bad authorization or accept", method, path,
                method.equals("POST") ? "application/octet-stream" : null, method.equals("POST") ? new byte[0] : null,
                headers.toArray(String[]::new));
    }

    private Fuzzed badSnapshotId() {
        String sid = pick("abc", "-1", "99999999999999999999", "1.5", "0x10", "%00", "", "1e3", "NaN", "9223372036854775807",
                "-9223372036854775808", randomToken(20));
        boolean load = random.nextBoolean();
        return new Fuzzed("bad snapshot id", load ? "POST" : "DELETE", "/v1/canisters/" + canister + "/snapshots/" + sid
                + (load ? "/load" : ""), null, null, new String[0]);
    }

    private Fuzzed badSettingsOrKeys() {
        String body = pick("{\"controllers\":" + pick("5", "\"x\"", "[1,2]", "[null]", "[[]]", "{}", "[\"" + "a".repeat(
                        5000) + "\"]") + "}",
                "{\"controllers\":[" + "\"aaaaa-aa\",".repeat(random.nextInt(2000)) + "\"aaaaa-aa\"]}",
                "{\"logVisibility\":" + pick("1", "\"PUBLIC\"", "[]", "null", "\"\"") + "}",
                "{\"name\":" + pick("1", "[]", "\"" + "n".repeat(500) + "\"", "\"\\u0000\"") + "}",
                new String(badJson(), StandardCharsets.ISO_8859_1));
        String path = pick("/v1/canisters/" + canister + "/controllers", "/v1/canisters/" + canister + "/settings",
                "/v1/keys");
        String method = path.endsWith("/controllers") ? "PUT" : path.endsWith("/settings") ? "PATCH" : "POST";
        if (path.endsWith("/controllers") && body.contains("aaaaa-aa")) {
            path = "/v1/canisters/" + stopped + "/controllers"; // over the cap: refused, so the fuzzed canister stays ours
        }
        return new Fuzzed("bad settings or key request", method, path, "application/json",
                body.getBytes(StandardCharsets.UTF_8), new String[0]);
    }

    private Fuzzed badValidate() {
        String query = pick("", "?profile=" + pick("x", "%ff", "", "strict&profile=lax"), "?" + percentEncode(randomBytes(8)));
        byte[] body = switch (random.nextInt(4)) {
            case 0 -> randomBytes(random.nextInt(1000));
            case 1 -> new byte[0];
            case 2 -> new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f};
            default -> new byte[] {0, 'a', 's', 'm', (byte) random.nextInt(256), 0, 0, 0};
        };
        return new Fuzzed("bad module for validation", "POST", "/v1/modules/validate" + query, "application/wasm", body,
                new String[0]);
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String percentEncode(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append('%').append(String.format("%02x", b & 0xff));
        }
        return out.toString();
    }

    /** Characters that are valid in a URI path and a header value as they are. */
    private String randomToken(int n) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~";
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    private String randomAscii(int n) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_.~!$&'()*+,;=:@";
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
