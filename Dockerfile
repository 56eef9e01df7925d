# Multi-stage build for canister-host (Java 17, Spring Boot).
#   docker build -t canister-host .
#   docker run -p 8080:8080 -e SPRING_DATASOURCE_URL=jdbc:postgresql://db:5432/canisters ... canister-host
# The base images are build arguments so that scripts/compose-smoke.sh can stand local images in for them
# where no image registry is reachable; the defaults are the official images.
ARG JDK_IMAGE=eclipse-temurin:17-jdk
ARG JRE_IMAGE=eclipse-temurin:17-jre

# ---- build stage ------------------------------------------------------------
FROM ${JDK_IMAGE} AS build
WORKDIR /workspace

# Maven wrapper and build descriptor first, so the dependency cache layer survives source edits.
COPY mvnw ./
COPY .mvn .mvn
COPY pom.xml ./
RUN chmod +x mvnw

COPY src src
COPY db db
COPY openapi.yaml ./

# The BuildKit cache mount keeps ~/.m2 between builds; the jar itself lands in target/.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -DskipTests package

# ---- runtime stage ----------------------------------------------------------
FROM ${JRE_IMAGE}

# Run as an unprivileged user (also required if the embedded PostgreSQL fallback is used).
RUN groupadd --system app \
    && useradd --system --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app

WORKDIR /app
COPY --from=build /workspace/target/canister-host-*-exec.jar /app/app.jar
RUN chown -R app:app /app

USER app
EXPOSE 8080
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
