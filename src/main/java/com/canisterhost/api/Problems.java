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

    static ProblemDetail problem(HttpStatus status, String kind, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(PREFIX + kind));
        problem.setTitle(title);
        return problem;
    }

    static ResponseEntity<Object> respond(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus())
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
