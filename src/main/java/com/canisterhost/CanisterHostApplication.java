package com.canisterhost;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class CanisterHostApplication {

    public static void main(String[] args) {
        SpringApplication.run(CanisterHostApplication.class, args);
    }
}
