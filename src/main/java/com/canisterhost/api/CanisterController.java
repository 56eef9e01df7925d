package com.canisterhost.api;

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
import java.io.IOException;
import java.net.URI;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.multipart.support.MissingServletRequestPartException;

/**
 * The REST contract of openapi.yaml for canisters themselves: creating, listing and deleting them, installing and
 * uninstalling their modules, stopping and starting them, their logs, snapshots, controllers and settings. Calls to
 * their methods are {@link CanisterCallController}'s.
 */
@RestController
@RequestMapping("/v1/canisters")
class CanisterController {

    private static final String WASM = "application/wasm";

    private final CanisterManagement canisters;
    private final CanisterAccess access;
    private final CanisterSettings settings;
    private final ApiProperties limits;

    CanisterController(CanisterManagement canisters, CanisterAccess access, CanisterSettings settings,
            ApiProperties limits) {
        this.canisters = canisters;
        this.access = access;
        this.settings = settings;
        this.limits = limits;
    }

    record CanisterList(List<CanisterStatus> canisters) {}

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
        byte[] module = Requests.readLimited(request, limits.maxUploadSize().toBytes(), "module");
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
        return canisters.loadSnapshot(id, snapshotId);
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
            return Problems.rejection(rejected);
        }
        return ResponseEntity.ok(result.status());
    }
}
