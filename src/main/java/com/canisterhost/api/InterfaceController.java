package com.canisterhost.api;

import com.canisterhost.candid.CandidInterface;
import com.canisterhost.candid.CandidOpenApi;
import com.canisterhost.canister.CanisterInterfaces;
import com.canisterhost.identity.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A canister's Candid interface ({@code .did} text): read it, attach one where the module declares none, or read
 * the OpenAPI document made from it.
 */
@RestController
@RequestMapping("/v1/canisters/{id}")
class InterfaceController {

    /** Where the interface comes from: {@code module} (its candid:service metadata) or {@code attached}. */
    static final String SOURCE_HEADER = "Candid-Source";
    private static final MediaType TEXT = new MediaType("text", "plain", StandardCharsets.UTF_8);

    private final CanisterInterfaces interfaces;
    private final ApiProperties limits;

    InterfaceController(CanisterInterfaces interfaces, ApiProperties limits) {
        this.interfaces = interfaces;
        this.limits = limits;
    }

    @GetMapping(path = "/candid", produces = {MediaType.TEXT_PLAIN_VALUE, MediaType.ALL_VALUE})
    ResponseEntity<String> get(@PathVariable String id, Caller caller) {
        CanisterInterfaces.Described described = interfaces.describe(id, caller);
        return ResponseEntity.ok().contentType(TEXT).header(SOURCE_HEADER, described.source())
                .body(described.text());
    }

    /** An OpenAPI 3.1 document of the canister's methods, from its interface (JSON calls with args). */
    @GetMapping(path = "/openapi.json", produces = MediaType.APPLICATION_JSON_VALUE)
    tools.jackson.databind.node.ObjectNode openApi(@PathVariable String id, Caller caller) {
        CandidInterface iface = interfaces.readable(id, caller);
        String canonical = com.canisterhost.principal.CanisterId.parse(id).toText();
        return CandidOpenApi.document(iface, canonical,
                org.springframework.web.servlet.support.ServletUriComponentsBuilder.fromCurrentContextPath()
                        .toUriString());
    }

    @PutMapping(path = "/candid",
            consumes = {MediaType.TEXT_PLAIN_VALUE, "text/x-candid", MediaType.APPLICATION_OCTET_STREAM_VALUE})
    ResponseEntity<Void> attach(@PathVariable String id, HttpServletRequest request, Caller caller)
            throws IOException {
        byte[] body = Requests.readLimited(request, limits.maxArgSize().toBytes(), "the interface");
        interfaces.attach(id, Requests.utf8(body, "the interface"), caller);
        return ResponseEntity.noContent().header(SOURCE_HEADER, "attached").build();
    }

    @DeleteMapping("/candid")
    ResponseEntity<Void> detach(@PathVariable String id, Caller caller) {
        interfaces.detach(id, caller);
        return ResponseEntity.noContent().build();
    }
}
