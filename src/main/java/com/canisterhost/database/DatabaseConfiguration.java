package com.canisterhost.database;

import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Puts every {@link DataSource} of the service behind a {@link BreakerDataSource}. */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    @Bean
    static BeanPostProcessor databaseBreaker(ObjectProvider<DatabaseProperties> properties) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof DataSource pool && !(bean instanceof BreakerDataSource)) {
                    return new BreakerDataSource(pool, properties.getObject().probeInterval());
                }
                return bean;
            }
        };
    }
}
