package com.canisterhost.cluster;

import com.canisterhost.state.LeaseTable;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Any node accepts any request: one for a canister ({@code /v1/canisters/{id}} and below) whose lease another live
 * node holds goes to that node, forwarded (the default) or, if the client asks with {@code Canister-Route:
 * redirect}, answered with 307 and the holder's address. A canister nobody holds (or whose holder's lease expired)
 * is taken here. Every answer for a canister names the node that served it ({@code X-Canister-Node}). A forwarded
 * request is never forwarded again: if its target lost the lease on the way, the client gets 503 and retries.
 */
final class OwnerRouting extends OncePerRequestFilter {

    static final String SERVED_BY = "X-Canister-Node";
    static final String FORWARDED_BY = "X-Canister-Forwarded-By";
    static final String ROUTE = "Canister-Route";
    private static final String PREFIX = "/v1/canisters/";
    /** Headers of a hop, not of the request (and those java.net.http sets itself). */
    private static final Set<String> HOP = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "keep-alive", "transfer-encoding", "te", "trailer", "proxy-connection", "http2-settings");

    private final NodeLeases leases;
    private final CloseableHttpClient client;
    private final Duration timeout;

    /**
     * Apache's classic client over pooled keep-alive connections: {@code java.net.http.HttpClient} cost the
     * forwarding node 0.5 to 0.9 ms of CPU per call more (its selector thread and future hops). It never resends
     * a request (an update is applied once at most) and follows no redirect.
     */
    OwnerRouting(NodeLeases leases, Duration timeout) {
        this.leases = leases;
        this.timeout = timeout;
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(512).setMaxConnPerRoute(256)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.ofSeconds(2))
                                .setSocketTimeout(Timeout.of(timeout)).build())
                        .build())
                .disableAutomaticRetries().disableRedirectHandling().disableContentCompression()
                .disableCookieManagement().disableAuthCaching()
                .build();
    }

    /** The canister a path is about, or null. */
    static String canisterOf(String path) {
        if (!path.startsWith(PREFIX) || path.length() == PREFIX.length()) {
            return null;
        }
        int end = path.indexOf('/', PREFIX.length());
        return path.substring(PREFIX.length(), end < 0 ? path.length() : end);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String canister = canisterOf(request.getRequestURI());
        if (canister != null && request.getHeader(FORWARDED_BY) != null) {
            leases.forgetHolder(canister); // the forwarder read this node as the holder: not what was read here
        }
        if (canister == null || leases.local(canister)) {
            if (canister != null) {
                response.setHeader(SERVED_BY, leases.node());
            }
            chain.doFilter(request, response);
            return;
        }
        Optional<LeaseTable.Holder> holder = leases.holderElsewhere(canister);
        if (holder.isEmpty()) { // no such canister (answered 404 here), or its lease lapsed just now
            chain.doFilter(request, response);
            return;
        }
        String target = holder.get().url() + request.getRequestURI()
                + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        if (request.getHeader(FORWARDED_BY) != null) {
            refuse(response, "canister " + canister + " moved to node " + holder.get().nodeId()
                    + " while the request was forwarded; nothing was applied: retry it");
        } else if ("redirect".equalsIgnoreCase(request.getHeader(ROUTE))) {
            response.setStatus(307);
            response.setHeader("Location", target);
            response.setHeader(SERVED_BY, holder.get().nodeId());
        } else {
            forward(request, response, canister, URI.create(target), holder.get());
        }
    }

    private void forward(HttpServletRequest request, HttpServletResponse response, String canister, URI target,
            LeaseTable.Holder holder) throws IOException {
        byte[] body = request.getInputStream().readAllBytes();
        BasicClassicHttpRequest forwarded = new BasicClassicHttpRequest(request.getMethod(), target);
        for (String name : Collections.list(request.getHeaderNames())) {
            if (!HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.equalsIgnoreCase(FORWARDED_BY)) {
                for (String value : Collections.list(request.getHeaders(name))) {
                    forwarded.addHeader(name, value);
                }
            }
        }
        forwarded.setHeader(FORWARDED_BY, leases.node());
        if (body.length > 0 || !request.getMethod().equals("GET")) {
            forwarded.setEntity(new ByteArrayEntity(body, null)); // its Content-Type header went over as it was
        }
        try {
            client.execute(forwarded, answer -> {
                if (answer.getCode() == 503) {
                    leases.forgetHolder(canister); // it may have moved: read it again
                }
                response.setStatus(answer.getCode());
                for (Header header : answer.getHeaders()) {
                    if (!HOP.contains(header.getName().toLowerCase(Locale.ROOT))) {
                        response.addHeader(header.getName(), header.getValue());
                    }
                }
                byte[] bytes = answer.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(answer.getEntity());
                response.setContentLength(bytes.length);
                response.getOutputStream().write(bytes);
                return null;
            });
        } catch (java.net.ConnectException | ConnectTimeoutException e) {
            leases.forgetHolder(canister);
            refuse(response, "node " + holder.nodeId() + ", which holds the canister, could not be reached, so "
                    + "nothing was applied; its lease passes to another node once it expires: retry");
        } catch (java.net.SocketTimeoutException e) {
            response.setStatus(504);
            write(response, "gateway-timeout", "Node did not answer in time", "node " + holder.nodeId()
                    + ", which holds the canister, did not answer within " + timeout.toSeconds() + " s; the call may "
                    + "or may not have been applied");
        } catch (IOException e) {
            if (response.isCommitted()) {
                throw e; // the answer was on its way: the client sees the connection break
            }
            response.setStatus(502);
            write(response, "bad-gateway", "Node failed while it answered", "the connection to node "
                    + holder.nodeId() + ", which holds the canister, broke: the call may or may not have been applied");
        }
    }

    @Override
    public void destroy() {
        client.close(CloseMode.GRACEFUL);
    }

    private static void refuse(HttpServletResponse response, String detail) throws IOException {
        response.setStatus(503);
        response.setHeader("Retry-After", "1");
        write(response, "canister-moving", "Canister moving between nodes", detail);
    }

    private static void write(HttpServletResponse response, String kind, String title, String detail)
            throws IOException {
        response.setContentType("application/problem+json");
        byte[] body = ("{\"type\":\"urn:canister-host:problem:" + kind + "\",\"title\":\"" + title + "\",\"status\":"
                + response.getStatus() + ",\"detail\":\"" + detail.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\"}").getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
