package com.canisterhost.identity;

import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Without an admin key nobody needs a key to manage canisters, so the service listens on the loopback interface
 * only, whatever {@code server.address} says, and warns about it.
 */
@Component
class DevelopmentMode implements WebServerFactoryCustomizer<ConfigurableWebServerFactory>, Ordered {

    private static final Logger log = LoggerFactory.getLogger(DevelopmentMode.class);

    private static final InetAddress LOOPBACK = loopback();

    private final SecurityProperties security;

    DevelopmentMode(SecurityProperties security) {
        this.security = security;
    }

    @Override
    public void customize(ConfigurableWebServerFactory factory) {
        if (security.secured()) {
            return;
        }
        factory.setAddress(LOOPBACK);
        log.warn("No admin key configured (CANISTER_ADMIN_KEY): open development mode, listening on 127.0.0.1 only; "
                + "anyone who can connect may create and manage canisters");
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("a four-byte address is always valid", e);
        }
    }

    /** After Spring Boot's own customizer, which applies {@code server.address}. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
