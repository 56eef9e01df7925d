package com.canisterhost.api;

import com.canisterhost.module.DeterminismProfile;
import com.canisterhost.module.ModuleService;
import com.canisterhost.module.ValidationReport;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Module validation as a dry run: the report of an install, without installing anything. */
@RestController
@RequestMapping("/v1/modules")
class ModuleController {

    private final ModuleService modules;
    private final ApiProperties limits;

    ModuleController(ModuleService modules, ApiProperties limits) {
        this.modules = modules;
        this.limits = limits;
    }

    @PostMapping(path = "/validate", consumes = {"application/wasm", MediaType.APPLICATION_OCTET_STREAM_VALUE,
        "application/gzip"})
    ValidationReport validate(@RequestParam(required = false) String profile, HttpServletRequest request)
            throws IOException {
        byte[] module = CanisterController.readLimited(request, limits.maxUploadSize().toBytes(), "module");
        DeterminismProfile chosen = Requests.profile(profile);
        return modules.validate(module, chosen != null ? chosen : modules.defaultProfile());
    }
}
