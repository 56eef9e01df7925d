package com.canisterhost.api;

import com.canisterhost.identity.ApiKeys;
import com.canisterhost.identity.Caller;
import com.canisterhost.module.DeterminismProfile;
import com.canisterhost.module.ModuleProperties;
import com.canisterhost.module.ModuleService;
import com.canisterhost.module.ValidationReport;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Module validation as a dry run: the report of an install, without installing anything. It costs what an install's
 * validation costs, so with an admin key set it needs a key, and it is bounded like installs: its upload by
 * {@code canister.module.max-validation-size}, and the uploads prepared at once by
 * {@code canister.module.max-concurrent-preparations}.
 */
@RestController
@RequestMapping("/v1/modules")
class ModuleController {

    private final ModuleService modules;
    private final ApiKeys keys;
    private final long maxValidationSize;

    ModuleController(ModuleService modules, ApiKeys keys, ModuleProperties properties) {
        this.modules = modules;
        this.keys = keys;
        this.maxValidationSize = properties.maxValidationSize().toBytes();
    }

    @PostMapping(path = "/validate", consumes = {"application/wasm", MediaType.APPLICATION_OCTET_STREAM_VALUE,
        "application/gzip"})
    ValidationReport validate(@RequestParam(required = false) String profile, HttpServletRequest request,
            Caller caller) throws IOException {
        keys.requireKey(caller, "validating a module");
        DeterminismProfile chosen = Requests.profile(profile);
        return modules.validate(() -> Requests.readLimited(request, maxValidationSize, "module"),
                chosen != null ? chosen : modules.defaultProfile());
    }
}
