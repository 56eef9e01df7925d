package com.canisterhost.api;

import com.canisterhost.call.Calls;
import com.canisterhost.call.TrackedCall;
import com.canisterhost.canister.CanisterAccess;
import com.canisterhost.canister.CanisterManagement;
import com.canisterhost.canister.CanisterSettings;
import com.canisterhost.canister.CanisterStatus;
import com.canisterhost.canister.EnvironmentVariable;
import com.canisterhost.execution.CallOutcome;
import com.canisterhost.execution.InstallMode;
import com.canisterhost.execution.WasmMemoryPersistence;
import com.canisterhost.state.LogEntry;
import com.canisterhost.identity.Caller;
import com.canisterhost.state.Snapshot;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.multipart.support.MissingServletRequestPartException;

/** The REST contract of openapi.yaml: canisters, their modules, calls, logs, snapshots and settings. */
@RestController
@RequestMapping("/v1/canisters")
class CanisterController {

    private static final String WASM = "application/wasm";

    private final CanisterManagement canisters;
    private final Calls calls;
    private final CanisterAccess access;
    private final CanisterSettings settings;
    private final ApiProperties limits;
    private final CandidCalls candid;

    CanisterController(CanisterManagement canisters, Calls calls, CanisterAccess access, CanisterSettings settings,
            ApiProperties limits, CandidCalls candid) {
        this.candid = candid;
        this.canisters = canisters;
        this.calls = calls;
        this.access = access;
        this.settings = settings;
        this.limits = limits;
    }

    record CanisterList(List<CanisterStatus> canisters) {}

    /** {@code arg}: the binary argument in base64; or {@code args}: the arguments as JSON, typed by the interface. */
    record CallRequest(String arg, tools.jackson.databind.JsonNode args) {}

    record CallReply(String status, String reply, long instructions, long stateVersion) {}

    @PostMapping
    ResponseEntity<CanisterStatus> create(Caller caller) {
        access.requireCreator(caller);
        CanisterStatus created = canisters.create(caller.bytes());
        return ResponseEntity.created(URI.create("/v1/canisters/" + created.id())).body(created);
    }

    @GetMapping
    CanisterList list() {
        return new CanisterList(canisters.list());
    }

    @GetMapping("/{id}")
    CanisterStatus status(@PathVariable String id) {
        return canisters.status(id);
    }

    @PutMapping(path = "/{id}/module", consumes = {WASM, MediaType.APPLICATION_OCTET_STREAM_VALUE, "application/gzip"})
    ResponseEntity<Object> installRaw(@PathVariable String id, @RequestParam(defaultValue = "install") String mode,
            @RequestParam(defaultValue = "") String arg, @RequestParam(required = false) String profile,
            @RequestParam(name = "wasm_memory_persistence", required = false) String persistence,
            HttpServletRequest request, Caller caller) throws IOException {
        access.requireController(id, caller);
        byte[] module = readLimited(request, limits.maxUploadSize().toBytes(), "module");
        return install(id, mode, arg, profile, persistence, module, caller);
    }

    @PutMapping(path = "/{id}/module", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<Object> installMultipart(@PathVariable String id, MultipartHttpServletRequest request,
            Caller caller) throws IOException, MissingServletRequestPartException {
        // multipart bodies are parsed lazily (application.yml): only a controller's upload is read at all
        access.requireController(id, caller);
        MultipartFile module = request.getFile("module");
        if (module == null) {
            throw new MissingServletRequestPartException("module");
        }
        if (module.getSize() > limits.maxUploadSize().toBytes()) {
            throw new PayloadTooLargeException("module upload is over " + limits.maxUploadSize().toBytes() + " bytes");
        }
        String mode = request.getParameter("mode");
        String arg = request.getParameter("arg");
        String persistence = request.getParameter("wasm_memory_persistence");
        return install(id, mode == null ? "install" : mode.trim(), arg == null ? "" : arg.trim(),
                request.getParameter("profile"), persistence == null ? null : persistence.trim(), module.getBytes(),
                caller);
    }

    @DeleteMapping("/{id}/module")
    CanisterStatus uninstall(@PathVariable String id, Caller caller) {
        access.requireController(id, caller);
        return canisters.uninstall(id);
    }

    // The call endpoints read their headers from the request and their path through CallTarget: the generic
    // @PathVariable and @RequestHeader resolution cost about a tenth of the service's CPU per update.

    @PostMapping(path = "/{id}/update/{method}", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<Object> updateRaw(CallTarget target, HttpServletRequest request, HttpServletResponse response,
            Caller caller) throws IOException {
        access.requireCaller(caller);
        Requests.methodName(target.method());
        byte[] arg = readLimited(request, limits.maxArgSize().toBytes(), "argument");
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
        byte[] text = readLimited(request, limits.maxArgSize().toBytes(), "argument");
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
            return rejection(rejected);
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

    @PostMapping(path = "/{id}/query/{method}", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<Object> queryRaw(CallTarget target, HttpServletRequest request, HttpServletResponse response,
            Caller caller) throws IOException {
        access.requireCaller(caller);
        Requests.methodName(target.method());
        byte[] arg = readLimited(request, limits.maxArgSize().toBytes(), "argument");
        return respond(target, canisters.query(target.canisterId(), target.method(), arg, caller.bytes()), request,
                response);
    }

    @PostMapping(path = "/{id}/query/{method}", consumes = CandidCalls.CANDID)
    ResponseEntity<Object> queryCandid(CallTarget target, HttpServletRequest request, HttpServletResponse response,
            Caller caller) throws IOException {
        access.requireCaller(caller);
        Requests.methodName(target.method());
        byte[] text = readLimited(request, limits.maxArgSize().toBytes(), "argument");
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

    @PostMapping("/{id}/stop")
    CanisterStatus stop(@PathVariable String id, Caller caller) {
        access.requireController(id, caller);
        return canisters.stop(id);
    }

    @PostMapping("/{id}/start")
    CanisterStatus start(@PathVariable String id, Caller caller) {
        access.requireController(id, caller);
        return canisters.start(id);
    }

    record LogList(List<LogEntry.Stored> logs) {}

    @GetMapping("/{id}/logs")
    LogList logs(@PathVariable String id, Caller caller) {
        access.requireLogReader(id, caller);
        return new LogList(canisters.logs(id));
    }

    record SnapshotList(List<Snapshot> snapshots) {}

    @PostMapping("/{id}/snapshots")
    ResponseEntity<Snapshot> takeSnapshot(@PathVariable String id, Caller caller) {
        access.requireController(id, caller);
        Snapshot snapshot = canisters.takeSnapshot(id);
        return ResponseEntity.created(URI.create("/v1/canisters/" + id + "/snapshots/" + snapshot.id()))
                .body(snapshot);
    }

    @GetMapping("/{id}/snapshots")
    SnapshotList snapshots(@PathVariable String id, Caller caller) {
        access.requireController(id, caller);
        return new SnapshotList(canisters.snapshots(id));
    }

    @PostMapping("/{id}/snapshots/{snapshotId}/load")
    CanisterStatus loadSnapshot(@PathVariable String id, @PathVariable long snapshotId, Caller caller) {
        access.requireController(id, caller);
        return canisters.loadSnapshot(id, snapshotId, caller.bytes());
    }

    @DeleteMapping("/{id}/snapshots/{snapshotId}")
    ResponseEntity<Void> deleteSnapshot(@PathVariable String id, @PathVariable long snapshotId, Caller caller) {
        access.requireController(id, caller);
        canisters.deleteSnapshot(id, snapshotId);
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable String id, Caller caller) {
        access.requireController(id, caller);
        canisters.delete(id);
        return ResponseEntity.noContent().build();
    }

    record ControllersRequest(List<String> controllers) {}

    record SettingsRequest(List<String> controllers, String logVisibility,
            List<EnvironmentVariable> environmentVariables) {}

    @PutMapping(path = "/{id}/controllers", consumes = MediaType.APPLICATION_JSON_VALUE)
    CanisterStatus setControllers(@PathVariable String id, @RequestBody ControllersRequest body, Caller caller) {
        access.requireController(id, caller);
        if (body == null || body.controllers() == null) {
            throw new InvalidRequestException("the body must be {\"controllers\": [<principal>, ...]}");
        }
        return settings.update(id, body.controllers(), null, null);
    }

    @PatchMapping(path = "/{id}/settings", consumes = MediaType.APPLICATION_JSON_VALUE)
    CanisterStatus updateSettings(@PathVariable String id, @RequestBody SettingsRequest body, Caller caller) {
        access.requireController(id, caller);
        if (body == null) {
            throw new InvalidRequestException("the body must be {\"controllers\": [...], \"logVisibility\": ..., "
                    + "\"environmentVariables\": [...]}");
        }
        return settings.update(id, body.controllers(), body.logVisibility(), body.environmentVariables());
    }

    private ResponseEntity<Object> install(String id, String mode, String argHex, String profile,
            String persistence, byte[] module, Caller caller) {
        InstallMode installMode = switch (mode.toLowerCase(Locale.ROOT)) {
            case "install" -> InstallMode.INSTALL;
            case "reinstall" -> InstallMode.REINSTALL;
            case "upgrade" -> InstallMode.UPGRADE;
            default -> throw new InvalidRequestException(
                    "mode must be install, reinstall or upgrade, not '" + mode + "'");
        };
        WasmMemoryPersistence memoryPersistence = persistence == null ? null
                : switch (persistence.toLowerCase(Locale.ROOT)) {
                    case "keep" -> WasmMemoryPersistence.KEEP;
                    case "replace" -> WasmMemoryPersistence.REPLACE;
                    default -> throw new InvalidRequestException(
                            "wasm_memory_persistence must be keep or replace, not '" + persistence + "'");
                };
        if (memoryPersistence != null && installMode != InstallMode.UPGRADE) {
            throw new InvalidRequestException("wasm_memory_persistence is an option of mode=upgrade only: an "
                    + installMode.name().toLowerCase(Locale.ROOT) + " always starts with the module's own heap");
        }
        byte[] arg;
        try {
            arg = HexFormat.of().parseHex(argHex);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("arg must be hex-encoded bytes (an even number of 0-9a-f digits)");
        }
        if (arg.length > limits.maxArgSize().toBytes()) {
            throw new PayloadTooLargeException("init argument is over " + limits.maxArgSize().toBytes() + " bytes");
        }
        CanisterManagement.InstallResult result =
                canisters.install(id, installMode, memoryPersistence, module, arg, caller.bytes(),
                        Requests.profile(profile));
        if (result.outcome() instanceof CallOutcome.Rejected rejected) {
            return rejection(rejected);
        }
        return ResponseEntity.ok(result.status());
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
        ProblemDetail problem = Problems.problem(status, kind, title, rejected.message());
        problem.setProperty("rejectCode", rejected.kind().rejectCode());
        if (rejected.kind().errorCode() != null) {
            problem.setProperty("errorCode", rejected.kind().errorCode());
        }
        problem.setProperty("instructions", rejected.instructions());
        return Problems.respond(problem);
    }

    /** The request body, refused with 413 past {@code limit} bytes (by its declared length, or as it is read). */
    static byte[] readLimited(HttpServletRequest request, long limit, String what) throws IOException {
        if (request.getContentLengthLong() > limit) {
            throw new PayloadTooLargeException(what + " is " + request.getContentLengthLong()
                    + " bytes; the limit is " + limit + " bytes");
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
            if (body.length > limit) {
                throw new PayloadTooLargeException(what + " is over the limit of " + limit + " bytes");
            }
            return body;
        }
    }
}
