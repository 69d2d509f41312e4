# syntax=docker/dockerfile:1
#
# The kpushgateway image. Flags are the command; state lives under /data:
#   docker build -t kpushgateway .
#   docker run -p 9091:9091 -v kpushgateway-data:/data kpushgateway
#   docker run ... kpushgateway --roles=store --kafka.bootstrap-servers=kafka:9092
# docker-compose.yml runs a cluster of these; README "Running a cluster".

# Build stage: the same command as the README's, inside Maven's JDK 17 image.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# ~/.m2 as a build cache: a source change does not download every dependency again.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -ntp package -DskipTests

# Run stage: a glibc JRE (RocksDB's JNI library in the jar is built for glibc, not musl).
FROM eclipse-temurin:17-jre
# curl answers the health checks, here and in docker-compose.yml; the JRE image need not have it.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
# A fixed numeric user, so volumes and runAsNonRoot policies can name it; /data is created
# owned by it, and a fresh named volume mounted there takes that owner.
RUN useradd --system --uid 10001 --no-create-home --home-dir /data --shell /usr/sbin/nologin kpushgateway \
    && mkdir /data \
    && chown 10001 /data
COPY --from=build /src/app/target/kpushgateway.jar /opt/kpushgateway/kpushgateway.jar
USER 10001
WORKDIR /data
EXPOSE 9091
# Ready, not merely alive: Docker's "healthy" should mean the node serves pushes or scrapes.
# Checks the default --web.listen-address; with another port or a route prefix, override it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:9091/-/ready || exit 1
# JVM defaults for a container (README "Memory in a container"); `docker run -e
# JDK_JAVA_OPTIONS=...` replaces them, e.g. with -Xmx for a heap of a fixed size.
# - MaxRAMPercentage=50: the heap gets half the container's memory limit, and keeps it once a
#   load has grown it (G1 gives little back). The other half holds the RocksDB stores' bound
#   (--store.rocksdb-memory, 256MiB by default), the JVM's own memory (metaspace, code cache, GC
#   structures, threads: ~270 MiB measured) and malloc's slack; so at least 2 GiB for a store or
#   all-in-one node, 1 GiB for an ingest node (no RocksDB).
# - UseG1GC: the JVM would choose Serial under 2 CPUs or 1792 MiB; ZGC (not generational on
#   JDK 17) wants more heap headroom for the same load.
ENV JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+UseG1GC"
# glibc gives threads that malloc (RocksDB's flushes, compactions and JNI copies) arenas of their
# own, up to 8 per core, each keeping what it freed for itself: with two, ~60 MiB less native
# memory stayed resident under a long push load (README "Memory in a container").
ENV MALLOC_ARENA_MAX=2
# --data.dir is fixed: mount a volume at /data to keep the state.
ENTRYPOINT ["java", "-jar", "/opt/kpushgateway/kpushgateway.jar", "--data.dir=/data"]
