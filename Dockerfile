# syntax=docker/dockerfile:1

# ---- build: Maven wrapper on a full JDK --------------------------------------------------------
FROM eclipse-temurin:17-jdk AS build
WORKDIR /build

# Dependencies first, in their own layer: it is rebuilt only when pom.xml or the wrapper changes.
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline

COPY src src
COPY db db
RUN ./mvnw -B -q -DskipTests package \
 && cp target/metrics-gateway-*.jar app.jar \
 && java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

# ---- runtime: JRE only, non-root -----------------------------------------------------------------
FROM eclipse-temurin:17-jre

# curl serves the HEALTHCHECK below; nothing else is added to the base image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 gateway \
 && useradd --system --uid 10001 --gid gateway --no-create-home --shell /usr/sbin/nologin gateway

WORKDIR /app
# Spring Boot layers, least to most frequently changed, so image pulls after a code change are small.
COPY --from=build /build/extracted/dependencies/ ./
COPY --from=build /build/extracted/spring-boot-loader/ ./
COPY --from=build /build/extracted/snapshot-dependencies/ ./
COPY --from=build /build/extracted/application/ ./

USER gateway:gateway

# Heap sized from the container's memory limit; fail fast (and get restarted) rather than limp on
# after an OutOfMemoryError. The parallel (throughput) collector: nothing runs beside the request
# threads between collections and its write barrier is cheaper than G1's, while the young collections
# of a heap this size are short next to an API call. The benchmark runs with it too. Operators may
# override JAVA_TOOL_OPTIONS as a whole.
ENV PORT=3000 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=25 -XX:+ExitOnOutOfMemoryError -XX:+UseParallelGC"

# One port: the /rpc API, remote write (/write, /api/v1/write) and /actuator.
EXPOSE 3000

# Readiness = database reachable and migrations applied (see README, "Operations").
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/actuator/health/readiness" || exit 1

# Exec form: java is PID 1 and receives SIGTERM directly, which starts the graceful shutdown.
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
