package com.canisterhost.api;

import com.canisterhost.identity.ApiKey;
import com.canisterhost.identity.ApiKeys;
import com.canisterhost.identity.Caller;
import com.canisterhost.identity.IssuedKey;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** API keys: issued, listed and revoked by the admin (by anyone in development mode). */
@RestController
@RequestMapping("/v1/keys")
class KeyController {

    private static final int MAX_NAME_LENGTH = 100;

    private final ApiKeys keys;

    KeyController(ApiKeys keys) {
        this.keys = keys;
    }

    record KeyRequest(String name) {}

    record KeyList(List<ApiKey> keys) {}

    @PostMapping
    ResponseEntity<IssuedKey> issue(@RequestBody(required = false) KeyRequest body, Caller caller) {
        keys.requireKeyManager(caller);
        String name = body == null ? null : body.name();
        if (name != null && (name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl))) {
            throw new InvalidRequestException("a key name has at most " + MAX_NAME_LENGTH
                    + " characters and no control characters");
        }
        IssuedKey issued = keys.issue(name);
        return ResponseEntity.created(URI.create("/v1/keys/" + issued.principal())).body(issued);
    }

    @GetMapping
    KeyList list(Caller caller) {
        keys.requireKeyManager(caller);
        return new KeyList(keys.list());
    }

    /** Revokes the key with this principal; it answers 401 from then on. */
    @DeleteMapping("/{principal}")
    ResponseEntity<Void> revoke(@PathVariable String principal, Caller caller) {
        keys.requireKeyManager(caller);
        keys.revoke(principal);
        return ResponseEntity.noContent().build();
    }
}
