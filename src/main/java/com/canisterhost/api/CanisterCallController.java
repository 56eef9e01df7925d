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
        access.requireCaller(caller);
        Requests.methodName(target.method());
        byte[] arg = Requests.readLimited(request, limits.maxArgSize().toBytes(), "argument");
        return update(target, arg, request, response, caller, false);
    }

    @PostMapping(path = "/{id}/update/{method}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Object> updateJson(CallTarget target, HttpServletRequest request, HttpServletResponse response,
            Caller caller) throws IOException {
        access.requireCaller(caller);
        Requests.methodName(target.method());
        CallRequest body = candid.callRequest(request);
        byte[] typed = candid.jsonArguments(target.canisterId(), target.method(), body);
        if (typed != null) {
            return update(target, typed, request, response, caller, true);
        }
        return update(target, decodeArg(body), request, response, caller, false);
    }

    @PostMapping(path = "/{id}/update/{method}", consumes = CandidCalls.CANDID)
    ResponseEntity<Object> updateCandid(CallTarget target, HttpServletRequest request, HttpServletResponse response,
            Caller caller) throws IOException {
        access.requireCaller(caller);
        Requests.methodName(target.method());
        byte[] text = Requests.readLimited(request, limits.maxArgSize().toBytes(), "argument");
        return update(target, candid.arguments(target.canisterId(), target.method(), text), request, response,
                caller, false);
    }

    /** @param typedJson whether the call came with JSON {@code args}: its JSON reply then carries the values */
    private ResponseEntity<Object> update(CallTarget target, byte[] arg, HttpServletRequest request,
            HttpServletResponse response, Caller caller, boolean typedJson) throws IOException {
        String idempotencyKey = Requests.idempotencyKey(request.getHeader("Idempotency-Key"));
        if (Requests.prefersAsync(request.getHeader("Prefer"))) {
            TrackedCall call = calls.submit(target.canisterId(), target.method(), arg, caller.bytes(),
                    idempotencyKey);
            return ResponseEntity.accepted()
                    .location(URI.create("/v1/calls/" + call.callId()))
                    .header("Preference-Applied", "respond-async")
                    .body(CallController.view(call));
        }
        return respond(target, calls.update(target.canisterId(), target.method(), arg, caller.bytes(),
                idempotencyKey), request, response, typedJson);
    }

    @PostMapping(path = "/{id}/query/{method}", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<Object> queryRaw(CallTarget target, HttpServletRequest request, HttpServletResponse response,
            Caller caller) throws IOException {
        access.requireCaller(caller);
        Requests.methodName(target.method());
        byte[] arg = Requests.readLimited(request, limits.maxArgSize().toBytes(), "argument");
        return respond(target, canisters.query(target.canisterId(), target.method(), arg, caller.bytes()), request,
                response);
    }

    @PostMapping(path = "/{id}/query/{method}", consumes = CandidCalls.CANDID)
    ResponseEntity<Object> queryCandid(CallTarget target, HttpServletRequest request, HttpServletResponse response,
            Caller caller) throws IOException {
        access.requireCaller(caller);
        Requests.methodName(target.method());
        byte[] text = Requests.readLimited(request, limits.maxArgSize().toBytes(), "argument");
        byte[] arg = candid.arguments(target.canisterId(), target.method(), text);
        return respond(target, canisters.query(target.canisterId(), target.method(), arg, caller.bytes()), request,
                response);
    }

    @PostMapping(path = "/{id}/query/{method}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Object> queryJson(CallTarget target, HttpServletRequest request, HttpServletResponse response,
            Caller caller) throws IOException {
        access.requireCaller(caller);
        Requests.methodName(target.method());
        CallRequest body = candid.callRequest(request);
        byte[] typed = candid.jsonArguments(target.canisterId(), target.method(), body);
        if (typed != null) {
            return respond(target, canisters.query(target.canisterId(), target.method(), typed, caller.bytes()),
                    request, response, true);
        }
        return respond(target, canisters.query(target.canisterId(), target.method(), decodeArg(body),
                caller.bytes()), request, response);
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

    private ResponseEntity<Object> respond(CallTarget target, CallOutcome outcome, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        return respond(target, outcome, request, response, false);
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
