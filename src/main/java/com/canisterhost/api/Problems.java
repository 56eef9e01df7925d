package com.canisterhost.api;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** RFC 9457 problem documents with a stable {@code type} per kind of error. */
final class Problems {

    static final String PREFIX = "urn:canister-host:problem:";

    private Problems() {}

    /** What would tell a client about the service's insides: class names, stack frames, file paths. */
    private static final java.util.regex.Pattern INTERNAL = java.util.regex.Pattern.compile(
            "\\b(?:[a-z][a-z0-9_]{0,40}\\.){2,8}[A-Za-z_$][\\w$]{0,80}|\\b[A-Z]\\w{0,80}(?:Exception|Error)\\b"
                    + "|\\.java\\b|\\bat [\\w.$]{1,200}\\(|(?:^|[\\s'\"(=])/(?:home|work|tmp|root|usr|opt|var|etc|proc)/");
    /** Details echo what the client sent (an id, a name); past this many characters they are cut. */
    private static final int MAX_DETAIL = 1000;

    static ProblemDetail problem(HttpStatus status, String kind, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, safeDetail(status.value(), detail));
        problem.setType(URI.create(PREFIX + kind));
        problem.setTitle(title);
        return problem;
    }

    static ResponseEntity<Object> respond(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    /** A problem response with one more header (e.g. {@code Retry-After}, {@code WWW-Authenticate}). */
    static ResponseEntity<Object> respond(ProblemDetail problem, String header, String value) {
        return ResponseEntity.status(problem.getStatus())
                .header(header, value)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    /** The location of a module problem as a JSON object without empty members. */
    static java.util.Map<String, Object> location(com.canisterhost.module.ModuleLocation location) {
        java.util.Map<String, Object> json = new java.util.LinkedHashMap<>();
        if (location.section() != null) {
            json.put("section", location.section());
        }
        if (location.index() != null) {
            json.put("index", location.index());
        }
        if (location.name() != null) {
            json.put("name", location.name());
        }
        if (location.offset() != null) {
            json.put("offset", location.offset());
        }
        return json;
    }

    /**
     * The detail unless it would leak internals (a message of an exception from a library, say); then a generic
     * sentence for the status. The service log keeps the original.
     */
    static String safeDetail(int status, String detail) {
        if (detail != null && detail.length() > MAX_DETAIL) {
            detail = detail.substring(0, MAX_DETAIL) + "...";
        }
        if (detail == null || !INTERNAL.matcher(detail).find()) {
            return detail;
        }
        return switch (status) {
            case 400 -> "the request is malformed";
            case 404 -> "not found";
            case 413 -> "the request is too large";
            case 422 -> "the canister failed to process the message";
            default -> status >= 500 ? "the service failed to handle the request" : "the request was refused";
        };
    }

    /** The kind for statuses Spring MVC itself produces (unknown path, wrong method or media type, ...). */
    static String kindFor(int status) {
        return switch (status) {
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            case 503 -> "service-unavailable";
            default -> status >= 500 ? "internal-error" : "invalid-request";
        };
    }
}
