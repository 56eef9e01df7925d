package com.canisterhost.api;

import com.canisterhost.call.Calls;
import com.canisterhost.call.TrackedCall;
import com.canisterhost.canister.CanisterAccess;
import com.canisterhost.canister.CanisterManagement;
import com.canisterhost.execution.CallOutcome;
import com.canisterhost.identity.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Base64;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The REST contract of openapi.yaml for calls to a canister's methods: {@code update} and {@code query}, each with
 * its argument raw, in JSON or in Candid text, and the reply in the format the client accepts. The canister itself
 * (lifecycle, settings, logs, snapshots) is {@link CanisterController}'s.
 */
@RestController
@RequestMapping("/v1/canisters")
class CanisterCallController {

    private final CanisterManagement canisters;
    private final Calls calls;
    private final CanisterAccess access;
    private final ApiProperties limits;
    private final CandidCalls candid;

    CanisterCallController(CanisterManagement canisters, Calls calls, CanisterAccess access, ApiProperties limits,
            CandidCalls candid) {
        this.candid = candid;
        this.canisters = canisters;
        this.calls = calls;
        this.access = access;
        this.limits = limits;
    }

    /** {@code arg}: the binary argument in base64; or {@code args}: the arguments as JSON, typed by the interface. */
    record CallRequest(String arg, tools.jackson.databind.JsonNode args) {}

    record CallReply(String status, String reply, long instructions, long stateVersion) {}

    // The call endpoints read their headers from the request and their path through CallTarget: the generic
    // @PathVariable and @RequestHeader resolution cost about a tenth of the service's CPU per update.

    @PostMapping(path = "/{id}/update/{method}", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<Object> updateRaw(CallTarget target, HttpServletRequest request, HttpServletResponse response,
            Caller caller) throws IOException {
        admit(target, caller);
        return update(target, rawArgument(request), request, response, caller);
    }

    @PostMapping(path = "/{id}/update/{method}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Object> updateJson(CallTarget target, HttpServletRequest request, HttpServletResponse response,
            Caller caller) throws IOException {
        admit(target, caller);
        return update(target, jsonArgument(target, request), request, response, caller);
    }

    @PostMapping(path = "/{id}/update/{method}", consumes = CandidCalls.CANDID)
    ResponseEntity<Object> updateCandid(CallTarget target, HttpServletRequest request, HttpServletResponse response,
            Caller caller) throws IOException {
        admit(target, caller);
        return update(target, candidArgument(target, request), request, response, caller);
    }

    @PostMapping(path = "/{id}/query/{method}", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<Object> queryRaw(CallTarget target, HttpServletRequest request, HttpServletResponse response,
            Caller caller) throws IOException {
        admit(target, caller);
        return query(target, rawArgument(request), request, response, caller);
    }

    @PostMapping(path = "/{id}/query/{method}", consumes = CandidCalls.CANDID)
    ResponseEntity<Object> queryCandid(CallTarget target, HttpServletRequest request, HttpServletResponse response,
            Caller caller) throws IOException {
        admit(target, caller);
        return query(target, candidArgument(target, request), request, response, caller);
    }

    @PostMapping(path = "/{id}/query/{method}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Object> queryJson(CallTarget target, HttpServletRequest request, HttpServletResponse response,
            Caller caller) throws IOException {
        admit(target, caller);
        return query(target, jsonArgument(target, request), request, response, caller);
    }

    /**
     * A call's binary argument, and whether it came as JSON {@code args}: the JSON reply of such a call carries the
     * reply's values too.
     */
    private record Argument(byte[] bytes, boolean typedJson) {}

    /** Checks what every call needs before its body is read: a caller that may call, and a valid method name. */
    private void admit(CallTarget target, Caller caller) {
        access.requireCaller(caller);
        Requests.methodName(target.method());
    }

    private Argument rawArgument(HttpServletRequest request) throws IOException {
        return new Argument(Requests.readLimited(request, limits.maxArgSize().toBytes(), "argument"), false);
    }

    private Argument candidArgument(CallTarget target, HttpServletRequest request) throws IOException {
        byte[] text = Requests.readLimited(request, limits.maxArgSize().toBytes(), "argument");
        return new Argument(candid.arguments(target.canisterId(), target.method(), text), false);
    }

    private Argument jsonArgument(CallTarget target, HttpServletRequest request) throws IOException {
        CallRequest body = candid.callRequest(request);
        byte[] typed = candid.jsonArguments(target.canisterId(), target.method(), body);
        return typed != null ? new Argument(typed, true) : new Argument(decodeArg(body), false);
    }

    private ResponseEntity<Object> update(CallTarget target, Argument arg, HttpServletRequest request,
            HttpServletResponse response, Caller caller) throws IOException {
        String idempotencyKey = Requests.idempotencyKey(request.getHeader("Idempotency-Key"));
        if (Requests.prefersAsync(request.getHeader("Prefer"))) {
            TrackedCall call = calls.submit(target.canisterId(), target.method(), arg.bytes(), caller.bytes(),
                    idempotencyKey);
            return ResponseEntity.accepted()
                    .location(URI.create("/v1/calls/" + call.callId()))
                    .header("Preference-Applied", "respond-async")
                    .body(CallController.view(call));
        }
        return respond(target, calls.update(target.canisterId(), target.method(), arg.bytes(), caller.bytes(),
                idempotencyKey), request, response, arg.typedJson());
    }

    private ResponseEntity<Object> query(CallTarget target, Argument arg, HttpServletRequest request,
            HttpServletResponse response, Caller caller) throws IOException {
        return respond(target, canisters.query(target.canisterId(), target.method(), arg.bytes(), caller.bytes()),
                request, response, arg.typedJson());
    }

    /**
     * The reply as the client's {@code Accept} asks: JSON, raw bytes, or Candid text; a typed JSON call's JSON also
     * carries the reply's values. Raw bytes and Candid text are written here and null is returned, which tells
     * Spring MVC the response is complete: its return-value handling (converter choice, header copies) cost about a
     * twentieth of the service's CPU per update, for a body that needs no conversion.
     *
     * @param typedJson whether the call came with JSON {@code args}
     */
    private ResponseEntity<Object> respond(CallTarget target, CallOutcome outcome, HttpServletRequest request,
            HttpServletResponse response, boolean typedJson) throws IOException {
        if (outcome instanceof CallOutcome.Rejected rejected) {
            return Problems.rejection(rejected);
        }
        CallOutcome.Replied replied = (CallOutcome.Replied) outcome;
        switch (ReplyFormat.of(request.getHeader(HttpHeaders.ACCEPT))) {
            case RAW -> {
                writeReply(response, MediaType.APPLICATION_OCTET_STREAM_VALUE, replied.reply(), replied);
                return null;
            }
            case CANDID -> {
                return candid.reply(target.canisterId(), target.method(), replied, response);
            }
            default -> {
                if (typedJson) {
                    return candid.jsonReply(target.canisterId(), target.method(), replied, response);
                }
                return ResponseEntity.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(new CallReply("replied", Base64.getEncoder().encodeToString(replied.reply()),
                                replied.instructions(), replied.stateVersion()));
            }
        }
    }

    /** Writes a 200 reply body straight to the response, with the call's instruction count and state version. */
    static void writeReply(HttpServletResponse response, String contentType, byte[] body, CallOutcome.Replied replied)
            throws IOException {
        response.setHeader("X-Instructions", Long.toString(replied.instructions()));
        response.setHeader("X-State-Version", Long.toString(replied.stateVersion()));
        writeBody(response, contentType, body);
    }

    /** Writes a 200 body straight to the response. */
    static void writeBody(HttpServletResponse response, String contentType, byte[] body) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(contentType);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private byte[] decodeArg(CallRequest body) {
        if (body == null || body.arg() == null) {
            return new byte[0];
        }
        byte[] arg;
        try {
            arg = Base64.getDecoder().decode(body.arg());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("arg must be standard base64");
        }
        if (arg.length > limits.maxArgSize().toBytes()) {
            throw new PayloadTooLargeException("argument is over " + limits.maxArgSize().toBytes() + " bytes");
        }
        return arg;
    }
}
