package com.canisterhost.api;

import com.canisterhost.call.CallConflictException;
import com.canisterhost.candid.CandidTypeException;
import com.canisterhost.candid.InvalidCandidException;
import com.canisterhost.canister.CandidNotFoundException;
import com.canisterhost.canister.CanisterNotFoundException;
import com.canisterhost.canister.CanisterStateException;
import com.canisterhost.canister.InvalidInstallOptionException;
import com.canisterhost.canister.InvalidSettingsException;
import com.canisterhost.canister.SnapshotNotFoundException;
import com.canisterhost.execution.CanisterEmptyException;
import com.canisterhost.database.DatabaseFailures;
import com.canisterhost.database.DatabaseUnavailableException;
import com.canisterhost.execution.ExecutorOverloadedException;
import com.canisterhost.identity.AccessDeniedException;
import com.canisterhost.identity.AuthenticationRequiredException;
import com.canisterhost.identity.KeyNotFoundException;
import com.canisterhost.module.InvalidModuleException;
import com.canisterhost.module.ModuleTooLargeException;
import com.canisterhost.state.CommitOutcomeUnknownException;
import com.canisterhost.module.PreparationsBusyException;
import com.canisterhost.state.StateVersionConflictException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.exc.StreamConstraintsException;

/** Maps every failure to problem+json; nothing internal (stack traces, class names) reaches a client. */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(CanisterNotFoundException.class)
    ResponseEntity<Object> notFound(CanisterNotFoundException e) {
        return Problems.respond(Problems.problem(HttpStatus.NOT_FOUND, "canister-not-found", "Canister not found",
                e.getMessage()));
    }

    @ExceptionHandler(CandidNotFoundException.class)
    ResponseEntity<Object> candidNotFound(CandidNotFoundException e) {
        return Problems.respond(Problems.problem(HttpStatus.NOT_FOUND, "candid-not-found",
                "No Candid interface", e.getMessage()));
    }

    /** Candid text that does not parse or check, with the line and column where it fails. */
    @ExceptionHandler(InvalidCandidException.class)
    ResponseEntity<Object> invalidCandid(InvalidCandidException e) {
        ProblemDetail problem = Problems.problem(HttpStatus.BAD_REQUEST, "invalid-candid", "Invalid Candid",
                e.getMessage());
        problem.setProperty("line", e.line());
        problem.setProperty("column", e.column());
        return Problems.respond(problem);
    }

    /** A Candid value that does not have its type (or binary Candid that does not decode), with where. */
    @ExceptionHandler(CandidTypeException.class)
    ResponseEntity<Object> candidTypeMismatch(CandidTypeException e) {
        ProblemDetail problem = Problems.problem(HttpStatus.BAD_REQUEST, "candid-type-mismatch",
                "Candid type mismatch", e.getMessage());
        if (!e.path().isEmpty()) {
            problem.setProperty("path", e.path());
        }
        return Problems.respond(problem);
    }

    @ExceptionHandler(SnapshotNotFoundException.class)
    ResponseEntity<Object> snapshotNotFound(SnapshotNotFoundException e) {
        return Problems.respond(Problems.problem(HttpStatus.NOT_FOUND, "snapshot-not-found", "Snapshot not found",
                e.getMessage()));
    }

    @ExceptionHandler(AuthenticationRequiredException.class)
    ResponseEntity<Object> unauthenticated(AuthenticationRequiredException e) {
        return Problems.respond(Problems.problem(HttpStatus.UNAUTHORIZED, "unauthenticated",
                "Authentication required", e.getMessage()), HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }

    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<Object> forbidden(AccessDeniedException e) {
        return Problems.respond(Problems.problem(HttpStatus.FORBIDDEN, "forbidden", "Not allowed", e.getMessage()));
    }

    @ExceptionHandler(KeyNotFoundException.class)
    ResponseEntity<Object> keyNotFound(KeyNotFoundException e) {
        return Problems.respond(Problems.problem(HttpStatus.NOT_FOUND, "key-not-found", "API key not found",
                e.getMessage()));
    }

    @ExceptionHandler(InvalidSettingsException.class)
    ResponseEntity<Object> invalidSettings(InvalidSettingsException e) {
        return Problems.respond(Problems.problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid settings",
                e.getMessage()));
    }

    @ExceptionHandler(CanisterStateException.class)
    ResponseEntity<Object> wrongState(CanisterStateException e) {
        String kind = switch (e.conflict()) {
            case EMPTY -> "canister-empty";
            case STOPPED -> "canister-stopped";
            case NOT_STOPPED -> "canister-not-stopped";
            case ALREADY_INSTALLED -> "module-already-installed";
            case SNAPSHOT_LIMIT -> "snapshot-limit-reached";
            case STOP_TIMEOUT -> "stop-timed-out";
            case STOP_CANCELLED -> "stop-cancelled";
            case MEMORY_PERSISTENCE_REQUIRED -> "wasm-memory-persistence-required";
            case CANDID_IN_MODULE -> "candid-in-module";
        };
        return Problems.respond(Problems.problem(HttpStatus.CONFLICT, kind, "Canister is in the wrong state",
                e.getMessage()));
    }

    @ExceptionHandler(InvalidInstallOptionException.class)
    ResponseEntity<Object> invalidInstallOption(InvalidInstallOptionException e) {
        return Problems.respond(Problems.problem(HttpStatus.BAD_REQUEST, "wasm-memory-persistence-invalid",
                "Invalid upgrade option", e.getMessage()));
    }

    @ExceptionHandler(InvalidModuleException.class)
    ResponseEntity<Object> invalidModule(InvalidModuleException e) {
        ProblemDetail problem = Problems.problem(HttpStatus.BAD_REQUEST, e.kind().type(), "Module refused",
                e.getMessage());
        problem.setProperty("rule", e.rule());
        problem.setProperty("location", Problems.location(e.location()));
        return Problems.respond(problem);
    }

    @ExceptionHandler({ModuleTooLargeException.class, PayloadTooLargeException.class})
    ResponseEntity<Object> tooLarge(RuntimeException e) {
        return Problems.respond(Problems.problem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large",
                "Payload too large", e.getMessage()));
    }

    @ExceptionHandler(InvalidRequestException.class)
    ResponseEntity<Object> invalidRequest(InvalidRequestException e) {
        return Problems.respond(Problems.problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                e.getMessage()));
    }

    @ExceptionHandler(CallNotFoundException.class)
    ResponseEntity<Object> callNotFound(CallNotFoundException e) {
        return Problems.respond(Problems.problem(HttpStatus.NOT_FOUND, "call-not-found", "Call not found",
                e.getMessage()));
    }

    @ExceptionHandler(CallConflictException.class)
    ResponseEntity<Object> callConflict(CallConflictException e) {
        return Problems.respond(Problems.problem(HttpStatus.CONFLICT, "idempotency-conflict",
                "Idempotency key conflict", e.getMessage()));
    }

    /** A multipart body that does not parse (no boundary, truncated parts, ...). */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> badMultipart(MultipartException e) {
        return Problems.respond(Problems.problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                "the multipart/form-data body is malformed"));
    }

    /** Tomcat refuses query parameters that are not well-formed percent-encoded UTF-8 when they are first read. */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<Object> badParameter(InvalidParameterException e) {
        return Problems.respond(Problems.problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                "the query string is not well-formed (percent-encoded UTF-8)"));
    }

    @ExceptionHandler(ExecutorOverloadedException.class)
    ResponseEntity<Object> overloaded(ExecutorOverloadedException e) {
        return Problems.respond(Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable",
                "Service overloaded", e.getMessage()), HttpHeaders.RETRY_AFTER, "1");
    }

    @ExceptionHandler(CanisterEmptyException.class)
    ResponseEntity<Object> canisterEmpty(CanisterEmptyException e) {
        return Problems.respond(Problems.problem(HttpStatus.CONFLICT, "canister-empty", "Canister is in the wrong state",
                e.getMessage()));
    }

    /** Never "not applied": the client must find out (or retry under the same Idempotency-Key, which does). */
    @ExceptionHandler(CommitOutcomeUnknownException.class)
    ResponseEntity<Object> outcomeUnknown(CommitOutcomeUnknownException e) {
        log.warn("Commit outcome unknown: {}", e.getMessage());
        return Problems.respond(Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, "outcome-unknown",
                "Outcome unknown", e.getMessage() + "; read the canister's stateVersion before sending the call "
                        + "again (a call with an Idempotency-Key may simply be sent again: its key finds out)"));
    }

    @ExceptionHandler(PreparationsBusyException.class)
    ResponseEntity<Object> preparationsBusy(PreparationsBusyException e) {
        return Problems.respond(Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable",
                "Service overloaded", e.getMessage()), HttpHeaders.RETRY_AFTER, "1");
    }

    /** No connection to PostgreSQL could be had, so nothing was sent: safe to retry as it is. */
    @ExceptionHandler(DatabaseUnavailableException.class)
    ResponseEntity<Object> databaseUnavailable(DatabaseUnavailableException e) {
        return databaseUnavailable(true);
    }

    private static ResponseEntity<Object> databaseUnavailable(boolean notApplied) {
        return Problems.respond(Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, "database-unavailable",
                "Database unavailable", notApplied
                        ? "no connection to PostgreSQL could be had; nothing was applied, retry later"
                        : "the connection to PostgreSQL failed while the request was handled; it may or may not "
                                + "have been applied"), HttpHeaders.RETRY_AFTER, "1");
    }

    @ExceptionHandler(com.canisterhost.cluster.CanisterMoves.MoveRefusedException.class)
    ResponseEntity<Object> moveRefused(com.canisterhost.cluster.CanisterMoves.MoveRefusedException e) {
        return Problems.respond(Problems.problem(HttpStatus.CONFLICT, "move-refused", "Canister not moved",
                e.getMessage()));
    }

    @ExceptionHandler(com.canisterhost.state.CanisterOwnership.NotOwnerException.class)
    ResponseEntity<Object> notOwner(com.canisterhost.state.CanisterOwnership.NotOwnerException e) {
        return Problems.respond(Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, "canister-moving",
                "Canister moving between nodes", e.getMessage()), HttpHeaders.RETRY_AFTER, "1");
    }

    @ExceptionHandler(StateVersionConflictException.class)
    ResponseEntity<Object> stateConflict(StateVersionConflictException e) {
        return Problems.respond(Problems.problem(HttpStatus.CONFLICT, "state-conflict",
                "Canister state changed concurrently", e.getMessage() + "; the call was not applied, retry it"));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        // the database failures that arrive wrapped (a transaction that could not begin, a translated SQL error)
        if (DatabaseFailures.notApplied(e)) {
            return databaseUnavailable(true);
        }
        if (DatabaseFailures.unreachable(e)) {
            log.warn("The database connection failed while a request was handled: {}", e.toString());
            return databaseUnavailable(false);
        }
        log.error("Unexpected failure", e);
        return Problems.respond(Problems.problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error",
                "Internal error", "the service failed to handle the request; see the service log"));
    }

    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return Problems.respond(Problems.problem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large",
                "Payload too large", "the upload is over the size limit"));
    }

    /** Bodies Jackson refused: too long (413), too deep, or not the JSON this endpoint takes (400). */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof StreamConstraintsException constraint) {
                String message = String.valueOf(constraint.getMessage()).toLowerCase(java.util.Locale.ROOT);
                if (message.contains("nesting depth")) {
                    return Problems.respond(Problems.problem(HttpStatus.BAD_REQUEST, "invalid-request",
                            "Invalid request", "the JSON body nests deeper than " + JsonLimits.MAX_NESTING_DEPTH
                                    + " levels"));
                }
                return Problems.respond(Problems.problem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large",
                        "Payload too large", "the JSON body is over the size limit"));
            }
        }
        return Problems.respond(Problems.problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                "the body is not the JSON this endpoint takes"));
    }

    /** Spring MVC's own errors (unknown path, wrong method, unreadable body, ...) get our stable types too. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        ProblemDetail problem = body instanceof ProblemDetail detail ? detail
                : ProblemDetail.forStatusAndDetail(statusCode, ex.getMessage());
        problem.setType(URI.create(Problems.PREFIX + Problems.kindFor(statusCode.value())));
        problem.setDetail(Problems.safeDetail(statusCode.value(), problem.getDetail()));
        if (statusCode.is5xxServerError()) {
            log.error("Failure in request handling", ex);
            problem.setDetail("the service failed to handle the request; see the service log");
        }
        if (ex instanceof NoResourceFoundException) {
            problem.setDetail("no endpoint at this path; the API lives under /v1/canisters");
        }
        HttpHeaders responseHeaders = new HttpHeaders();
        responseHeaders.addAll(headers);
        responseHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return new ResponseEntity<>(problem, responseHeaders, statusCode);
    }
}
