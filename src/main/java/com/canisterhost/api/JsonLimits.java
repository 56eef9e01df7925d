package com.canisterhost.api;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON mapper of the service, with Spring Boot's customizations, on a parser that refuses deeply nested or
 * overlong documents before building anything from them: no request body of this API nests more than a few levels.
 */
@Configuration(proxyBeanMethods = false)
class JsonLimits {

    static final int MAX_NESTING_DEPTH = 32;

    @Bean
    JsonMapper jsonMapper(ObjectProvider<JsonMapperBuilderCustomizer> customizers, ApiProperties limits) {
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxDocumentLength(limits.maxJsonSize().toBytes())
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, limits.maxJsonSize().toBytes()))
                .build();
        JsonMapper.Builder builder = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(constraints).build());
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.build();
    }
}
