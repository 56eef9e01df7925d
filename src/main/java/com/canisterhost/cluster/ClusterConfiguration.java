package com.canisterhost.cluster;

import com.canisterhost.call.Calls;
import com.canisterhost.execution.CanisterActivity;
import com.canisterhost.execution.Executor;
import com.canisterhost.state.CanisterOwnership;
import com.canisterhost.state.LeaseTable;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * One node alone ({@code canister.cluster.enabled=false}, the default) owns every canister and fences on
 * nothing; a node of several holds leases ({@link NodeLeases}) and routes requests to their holders
 * ({@link OwnerRouting}).
 */
@Configuration(proxyBeanMethods = false)
class ClusterConfiguration {

    /**
     * Closed (NodeLeases#close gives up the node's leases) after the beans that depend on it, the state store and
     * the executor, so only once the last execution committed.
     */
    @Bean
    CanisterOwnership canisterOwnership(ClusterProperties properties, LeaseTable table,
            ObjectProvider<Executor> executor, ObjectProvider<Calls> calls, CanisterActivity activity,
            io.micrometer.core.instrument.MeterRegistry meters, @Value("${server.port:8080}") int port) {
        if (!properties.enabled()) {
            return CanisterOwnership.SOLE;
        }
        String node = properties.nodeId() != null ? properties.nodeId()
                : "node-" + UUID.randomUUID().toString().substring(0, 8);
        String url = properties.url() != null ? properties.url() : "http://127.0.0.1:" + port;
        return new NodeLeases(table, node, url, properties.leaseDuration(), properties.heartbeat(),
                canister -> executor.getObject().evict(canister),
                canister -> calls.getObject().abandonPending(canister), activity, meters);
    }

    @Bean
    @ConditionalOnProperty(name = "canister.cluster.enabled", havingValue = "true")
    FilterRegistrationBean<OwnerRouting> ownerRouting(CanisterOwnership ownership, ClusterProperties properties) {
        FilterRegistrationBean<OwnerRouting> registration = new FilterRegistrationBean<>(
                new OwnerRouting((NodeLeases) ownership, properties.forwardTimeout()));
        registration.addUrlPatterns("/v1/canisters/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20); // after the actuator's guard, before everything else
        return registration;
    }
}
