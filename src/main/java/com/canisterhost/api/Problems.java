package com.canisterhost.api;

import com.canisterhost.execution.CallOutcome;
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

    /** The problem response for a call or an install the canister rejected, trapped in, or did not answer. */
    static ResponseEntity<Object> rejection(CallOutcome.Rejected rejected) {
        String kind = switch (rejected.kind()) {
            case METHOD_NOT_FOUND -> "method-not-found";
            case CANISTER_REJECT -> "canister-rejected";
            case MESSAGE_REFUSED -> "message-refused";
            case TRAPPED, CALLED_TRAP, CONTRACT_VIOLATION -> "canister-trapped";
            case DID_NOT_REPLY -> "canister-did-not-reply";
            case INSTRUCTION_LIMIT -> "instruction-limit-exceeded";
            case TIMEOUT -> "execution-timeout";
            case NOT_APPLIED -> "call-not-applied";
        };
        HttpStatus status = switch (rejected.kind()) {
            case METHOD_NOT_FOUND -> HttpStatus.NOT_FOUND;
            case MESSAGE_REFUSED -> HttpStatus.FORBIDDEN;
            case NOT_APPLIED -> HttpStatus.SERVICE_UNAVAILABLE;
            default -> HttpStatus.UNPROCESSABLE_CONTENT;
        };
        String title = switch (rejected.kind()) {
            case METHOD_NOT_FOUND -> "Method not found";
            case CANISTER_REJECT -> "Canister rejected the call";
            case MESSAGE_REFUSED -> "Canister refused the message";
            case DID_NOT_REPLY -> "Canister did not reply";
            case INSTRUCTION_LIMIT -> "Instruction limit exceeded";
            case TIMEOUT -> "Execution timed out";
            case NOT_APPLIED -> "Call not applied";
            default -> "Canister trapped";
        };
        ProblemDetail problem = problem(status, kind, title, rejected.message());
        problem.setProperty("rejectCode", rejected.kind().rejectCode());
        if (rejected.kind().errorCode() != null) {
            problem.setProperty("errorCode", rejected.kind().errorCode());
        }
        problem.setProperty("instructions", rejected.instructions());
        return respond(problem);
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
