package com.canisterhost.identity;

import com.canisterhost.database.DatabaseFailures;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * With an admin key set, the actuator's endpoints (metrics, Prometheus, info, ...) are the admin's; only the health
 * probes stay public: {@code /health}, {@code /health/liveness} and {@code /health/readiness}. Anonymous requests and
 * unknown keys get 401, other keys 403, as problem+json. A servlet filter rather than a Spring MVC interceptor: the
 * actuator has handler mappings of its own, which interceptors registered for the API do not reach. Without an admin
 * key (development mode, loopback only) nothing changes.
 */
@Configuration(proxyBeanMethods = false)
class ActuatorAccess {

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> actuatorAccessFilter(ApiKeys keys,
            @Value("${management.endpoints.web.base-path:/actuator}") String basePath) {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
                new Guard(keys, basePath));
        // the container matches these on the decoded, normalised path: every request the actuator could serve
        registration.addUrlPatterns(basePath, basePath + "/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.setEnabled(keys.secured());
        return registration;
    }

    static final class Guard extends OncePerRequestFilter {

        private final ApiKeys keys;
        private final Set<String> open;

        Guard(ApiKeys keys, String basePath) {
            this.keys = keys;
            this.open = Set.of(basePath + "/health", basePath + "/health/liveness", basePath + "/health/readiness");
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (isProbe(request)) {
                chain.doFilter(request, response);
                return;
            }
            Caller caller;
            try {
                caller = keys.authenticate(request.getHeader("Authorization"));
            } catch (AuthenticationRequiredException e) {
                refuse(response, 401, "unauthenticated", "Authentication required", e.getMessage());
                return;
            } catch (RuntimeException e) {
                if (!DatabaseFailures.unreachable(e)) {
                    throw e;
                }
                response.setHeader("Retry-After", "1");
                refuse(response, 503, "database-unavailable", "Database unavailable",
                        "the key could not be checked: PostgreSQL is unreachable");
                return;
            }
            if (caller.anonymous()) {
                refuse(response, 401, "unauthenticated", "Authentication required",
                        "this endpoint needs the admin key (Authorization: Bearer <key>)");
            } else if (!caller.admin()) {
                refuse(response, 403, "forbidden", "Not allowed", "only the admin may read this endpoint");
            } else {
                chain.doFilter(request, response);
            }
        }

        /** A health probe, by its path as sent and as normalised: a path that only normalises to one is not. */
        private boolean isProbe(HttpServletRequest request) {
            String normalised = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
            String sent = request.getRequestURI().substring(request.getContextPath().length());
            return open.contains(normalised) && open.contains(sent);
        }

        private static void refuse(HttpServletResponse response, int status, String kind, String title,
                String detail) throws IOException {
            response.setStatus(status);
            if (status == 401) {
                response.setHeader("WWW-Authenticate", "Bearer");
            }
            response.setContentType("application/problem+json");
            byte[] body = ("{\"type\":\"urn:canister-host:problem:" + kind + "\",\"title\":\"" + title
                    + "\",\"status\":" + status + ",\"detail\":\"" + detail.replace("\\", "\\\\").replace("\"", "\\\"")
                    + "\"}").getBytes(StandardCharsets.UTF_8);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }
}
