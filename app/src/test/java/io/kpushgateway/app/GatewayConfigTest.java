package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kpushgateway.broker.EmbeddedKafka;
import io.kpushgateway.core.space.Bytes;
import io.kpushgateway.core.space.FreeSpaceThreshold;
import io.kpushgateway.core.validate.PushLimits;
import io.kpushgateway.ingest.DecodeBudget;
import io.kpushgateway.kafka.KafkaOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GatewayConfigTest {

  @Test
  void defaultsAreUpstreamsWhereTheMeaningIsTheSame() {
    GatewayConfig c = GatewayConfig.parse();
    assertThat(c.web().listenSocket().getPort()).isEqualTo(9091);
    assertThat(c.web().listenSocket().getAddress().isAnyLocalAddress()).isTrue();
    assertThat(c.web().telemetryPath()).isEqualTo("/metrics");
    assertThat(c.kafka().embeddedBroker()).isTrue();
    assertThat(c.kafka().producer().produceTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.push().maxBodyBytes()).isEqualTo(32L << 20);
    assertThat(c.web().enableOpenMetrics()).isFalse();
    assertThat(c.flags()).containsEntry("web.enable-openmetrics", "false");
  }

  @Test
  void minFreeSpaceIsASizeAShareOrZeroAndDefaultsToTwoRecordsOrFivePercent() {
    GatewayConfig defaults = GatewayConfig.parse();
    assertThat(defaults.data().minFreeSpace())
        .isEqualTo(new FreeSpaceThreshold(2L * (65 << 20), 5)); // records of 2 x 32MiB + 1MiB
    assertThat(defaults.flags()).containsEntry("data.min-free-space", "max(130MiB, 5%)");
    assertThat(GatewayConfig.parse("--push.max-body-size=4MiB").data().minFreeSpace().bytes())
        .isEqualTo(18L << 20);
    assertThat(GatewayConfig.parse("--data.min-free-space=512MiB").data().minFreeSpace())
        .isEqualTo(FreeSpaceThreshold.ofBytes(512L << 20));
    GatewayConfig share = GatewayConfig.parse("--data.min-free-space=10%");
    assertThat(share.data().minFreeSpace()).isEqualTo(FreeSpaceThreshold.ofPercent(10));
    assertThat(share.flags()).containsEntry("data.min-free-space", "10%");
    assertThat(GatewayConfig.parse("--data.min-free-space=0").data().minFreeSpace())
        .isEqualTo(FreeSpaceThreshold.NONE);
    for (String bad : new String[] {"100%", "x%", "-1%", "lots"}) {
      assertThatThrownBy(() -> GatewayConfig.parse("--data.min-free-space=" + bad))
          .as(bad)
          .isInstanceOf(CommandLine.ParameterException.class)
          .hasMessageContaining("--data.min-free-space");
    }
  }

  @Test
  void fsyncIsLeftToTheOperatingSystemUnlessAskedAndOnlyForTheEmbeddedBroker() {
    assertThat(GatewayConfig.parse().kafka().embeddedBrokerFlush())
        .isEqualTo(EmbeddedKafka.Flush.OPERATING_SYSTEM);
    assertThat(GatewayConfig.parse("--storage.fsync=always").kafka().embeddedBrokerFlush())
        .isEqualTo(EmbeddedKafka.Flush.EVERY_APPEND);
    assertThat(GatewayConfig.parse("--storage.fsync=interval").kafka().embeddedBrokerFlush())
        .isEqualTo(EmbeddedKafka.Flush.every(Duration.ofSeconds(1)));
    assertThat(
            GatewayConfig.parse("--storage.fsync=interval", "--storage.fsync-interval=200ms")
                .kafka()
                .embeddedBrokerFlush())
        .isEqualTo(EmbeddedKafka.Flush.every(Duration.ofMillis(200)));
    assertThatThrownBy(
            () ->
                GatewayConfig.parse(
                    "--storage.fsync=always", "--kafka.bootstrap-servers=kafka:9092"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--storage.fsync=always applies to the embedded broker only")
        .hasMessageContaining("flush.messages");
    assertThatThrownBy(
            () -> GatewayConfig.parse("--storage.fsync=interval", "--storage.fsync-interval=0"))
        .hasMessageContaining("--storage.fsync-interval must be at least 1ms");
    assertThatThrownBy(() -> GatewayConfig.parse("--storage.fsync=sometimes"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--storage.fsync");
  }

  @Test
  void pushLimitsHaveDefaultsFarAboveRealPushesAndFlagsToChangeThem() {
    GatewayConfig defaults = GatewayConfig.parse();
    assertThat(defaults.push().limits())
        .isEqualTo(new PushLimits(100_000, 2_000_000, 256, 1024, 16384));
    assertThat(defaults.push().decodeBudgetBytes()).isEqualTo(DecodeBudget.defaultBytes());
    assertThat(defaults.flags())
        .containsEntry("push.decode-budget", Bytes.format(DecodeBudget.defaultBytes()));
    GatewayConfig set =
        GatewayConfig.parse(
            "--push.max-families=10",
            "--push.max-series=20",
            "--push.max-labels-per-series=3",
            "--push.max-label-name-length=40",
            "--push.max-label-value-length=50",
            "--push.decode-budget=64MiB");
    assertThat(set.push().limits()).isEqualTo(new PushLimits(10, 20, 3, 40, 50));
    assertThat(set.push().decodeBudgetBytes()).isEqualTo(64L << 20);
    assertThat(set.flags()).containsEntry("push.decode-budget", "64MiB");
    assertThatThrownBy(() -> GatewayConfig.parse("--push.max-series=0"))
        .hasMessageContaining("--push.max-");
  }

  @Test
  void everyLimitNamesAFlagOfTheGateway() {
    // the refusals name these flags: each must be one
    var flags = GatewayConfig.parse().flags().keySet();
    for (PushLimits.Limit limit : PushLimits.Limit.values()) {
      assertThat(flags).contains(limit.flag().substring(2));
    }
  }

  @Test
  void openMetricsIsOfferedOnlyWithItsFlag() {
    GatewayConfig c = GatewayConfig.parse("--web.enable-openmetrics");
    assertThat(c.web().enableOpenMetrics()).isTrue();
    assertThat(c.flags()).containsEntry("web.enable-openmetrics", "true");
  }

  @Test
  void flagsAreReportedAsWritten() {
    GatewayConfig c =
        GatewayConfig.parse(
            "--web.listen-address=127.0.0.1:0", "--kafka.produce-timeout=1500ms",
            "--push.max-body-size=512KiB", "--web.enable-lifecycle");
    assertThat(c.kafka().producer().produceTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.push().maxBodyBytes()).isEqualTo(512L * 1024);
    assertThat(c.flags())
        .containsEntry("kafka.produce-timeout", "1500ms")
        .containsEntry("push.max-body-size", "512KiB")
        .containsEntry("web.listen-address", "127.0.0.1:0")
        .containsEntry("web.telemetry-path", "/metrics")
        .containsEntry("web.enable-lifecycle", "true")
        .containsEntry("kafka.bootstrap-servers", "");
  }

  @Test
  void utf8NamesAreOffUnlessAskedForLikeUpstream() {
    assertThat(GatewayConfig.parse().push().enableUtf8Names()).isFalse();
    assertThat(GatewayConfig.parse().flags()).containsEntry("push.enable-utf8-names", "false");
    GatewayConfig on = GatewayConfig.parse("--push.enable-utf8-names");
    assertThat(on.push().enableUtf8Names()).isTrue();
    assertThat(on.flags()).containsEntry("push.enable-utf8-names", "true");
  }

  @Test
  void adminApiIsOffUnlessAskedForAndReportedEitherWay() {
    GatewayConfig off = GatewayConfig.parse();
    assertThat(off.web().enableAdminApi()).isFalse();
    assertThat(off.flags()).containsEntry("web.enable-admin-api", "false");
    GatewayConfig on = GatewayConfig.parse("--web.enable-admin-api");
    assertThat(on.web().enableAdminApi()).isTrue();
    assertThat(on.flags()).containsEntry("web.enable-admin-api", "true");
  }

  @Test
  void theTtlIsOffByDefaultAndAGoDurationOtherwise() {
    assertThat(GatewayConfig.parse().push().ttl()).isZero();
    assertThat(GatewayConfig.parse().flags()).containsEntry("push.ttl", "0");
    assertThat(GatewayConfig.parse("--push.ttl=1h30m").push().ttl())
        .isEqualTo(Duration.ofMinutes(90));
    assertThat(GatewayConfig.parse("--push.ttl=7d").push().ttl()).isEqualTo(Duration.ofDays(7));
    for (String bad : new String[] {"soon", "-5s", "10", "5y", ""}) {
      assertThatThrownBy(() -> GatewayConfig.parse("--push.ttl=" + bad))
          .as(bad)
          .isInstanceOf(CommandLine.ParameterException.class)
          .hasMessageContaining("--push.ttl")
          .hasMessageContaining(bad.isEmpty() ? "empty duration" : "\"" + bad + "\"");
    }
  }

  @Test
  void badValuesAreRefusedWithTheFlagNamed() {
    assertThatThrownBy(() -> GatewayConfig.parse("--kafka.produce-timeout=soon"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("soon");
    assertThatThrownBy(() -> GatewayConfig.parse("--push.max-body-size=-1"))
        .isInstanceOf(CommandLine.ParameterException.class);
    assertThatThrownBy(() -> GatewayConfig.parse("--web.telemetry-path=metrics"))
        .hasMessageContaining("--web.telemetry-path");
    assertThatThrownBy(() -> GatewayConfig.parse("--web.listen-address=9091"))
        .hasMessageContaining("--web.listen-address");
  }

  @Test
  void theRoutePrefixIsTheFlagElseTheExternalUrlsPathAsUpstreamNormalisesIt() {
    assertThat(GatewayConfig.parse().web().routePrefix()).isEmpty();
    assertThat(GatewayConfig.parse("--web.route-prefix=pgw/").web().routePrefix())
        .isEqualTo("/pgw");
    assertThat(GatewayConfig.parse("--web.route-prefix=//a//").web().routePrefix()).isEqualTo("/a");
    assertThat(GatewayConfig.parse("--web.route-prefix=/").web().routePrefix()).isEmpty();
    assertThat(
            GatewayConfig.parse("--web.external-url=http://example.com:8080/ext/gw/")
                .web()
                .routePrefix())
        .isEqualTo("/ext/gw");
    assertThat(GatewayConfig.parse("--web.external-url=http://example.com").web().routePrefix())
        .isEmpty();
    assertThat(
            GatewayConfig.parse("--web.external-url=http://h/x/", "--web.route-prefix=/y")
                .web()
                .routePrefix())
        .isEqualTo("/y");
  }

  @Test
  void statusReportsTheExternalUrlAsWrittenAndTheComputedPrefix() {
    assertThat(GatewayConfig.parse().flags())
        .containsEntry("web.external-url", "")
        .containsEntry("web.route-prefix", "");
    assertThat(GatewayConfig.parse("--web.external-url=http://example.com/pgw/").flags())
        .containsEntry("web.external-url", "http://example.com/pgw/")
        .containsEntry("web.route-prefix", "/pgw");
  }

  @Test
  void aMalformedExternalUrlIsRefused() {
    assertThatThrownBy(() -> GatewayConfig.parse("--web.external-url=://bad"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--web.external-url");
  }

  @Test
  void aNodeRunsEveryRoleUnlessToldOtherwise() {
    GatewayConfig all = GatewayConfig.parse();
    assertThat(all.roles())
        .containsExactlyInAnyOrder(GatewayConfig.Role.ingest, GatewayConfig.Role.store);
    assertThat(all.flags()).containsEntry("roles", "ingest,store");
    GatewayConfig store = GatewayConfig.parse("--roles=store");
    assertThat(store.runs(GatewayConfig.Role.store)).isTrue();
    assertThat(store.runs(GatewayConfig.Role.ingest)).isFalse();
    assertThatThrownBy(() -> GatewayConfig.parse("--roles=ingest,scraper"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("scraper");
  }

  @Test
  void clusterSettingsHaveSafeDefaultsAndRefuseNonsense() {
    GatewayConfig c = GatewayConfig.parse("--web.listen-address=127.0.0.1:9999");
    assertThat(c.cluster().advertisedAddress()).isEqualTo("127.0.0.1:9999");
    assertThat(c.cluster().partialReads()).isEqualTo(GatewayConfig.PartialReads.fail);
    assertThat(c.cluster().peerTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.kafka().streams().standbyReplicas()).isZero();
    assertThat(c.kafka().streams().sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.kafka().topics().minInsyncReplicas()).isEqualTo(1);
    assertThat(
            GatewayConfig.parse("--kafka.replication-factor=3")
                .kafka()
                .topics()
                .minInsyncReplicas())
        .isEqualTo(2);
    assertThat(
            GatewayConfig.parse("--cluster.advertise-address=store-1:9091")
                .cluster()
                .advertisedAddress())
        .isEqualTo("store-1:9091");
    assertThatThrownBy(() -> GatewayConfig.parse("--cluster.advertise-address=store-1"))
        .hasMessageContaining("HOST:PORT");
    assertThatThrownBy(() -> GatewayConfig.parse("--kafka.min-insync-replicas=2"))
        .hasMessageContaining("between 1 and --kafka.replication-factor");
    assertThatThrownBy(() -> GatewayConfig.parse("--store.standby-replicas=-1"))
        .hasMessageContaining("must not be negative");
    assertThatThrownBy(() -> GatewayConfig.parse("--cluster.partial-reads=sometimes"))
        .hasMessageContaining("sometimes");
    assertThat(
            GatewayConfig.parse("--store.rocksdb-memory=1GiB")
                .kafka()
                .streams()
                .rocksdbMemoryBytes())
        .isEqualTo(1L << 30);
    assertThatThrownBy(() -> GatewayConfig.parse("--store.rocksdb-memory=8MiB"))
        .hasMessageContaining("--store.rocksdb-memory must be at least 16MiB: 8MiB");
  }

  @Test
  void kafkaDefaultsAreTheDocumentedOnes() {
    KafkaOptions k = GatewayConfig.parse("--web.listen-address=127.0.0.1:9999").kafka().at("b:1");
    assertThat(k.bootstrapServers()).isEqualTo("b:1");
    assertThat(k.topics().prefix()).isEqualTo("kpushgateway");
    assertThat(k.topics().partitions()).isEqualTo(4);
    assertThat(k.topics().replicationFactor()).isEqualTo((short) 1);
    assertThat(k.topics().maxRecordBytes()).isEqualTo(65 << 20); // 2 x 32MiB + 1MiB
    assertThat(k.topics().pushRetention()).isEqualTo(Duration.ofDays(7));
    assertThat(k.streams().applicationId()).isEqualTo("kpushgateway");
    assertThat(k.streams().stateDir()).isEqualTo(Path.of("./data", "streams"));
    assertThat(k.streams().commitInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(k.streams().rocksdbMemoryBytes()).isEqualTo(256L << 20);
    // peers ask the advertised address for this node's partitions
    assertThat(k.streams().applicationServer()).isEqualTo("127.0.0.1:9999");
    assertThat(k.producer().maxInFlightPushes()).isEqualTo(10_000);
    assertThat(GatewayConfig.parse("--kafka.bootstrap-servers=k:9092").kafka().embeddedBroker())
        .isFalse();
  }

  @Test
  void thePeerCredentialsFileIsReadAtParse(@TempDir Path dir) throws IOException {
    assertThat(GatewayConfig.parse().cluster().peerAuthorization()).isNull();
    Path file = Files.writeString(dir.resolve("peer"), "node:s3cret\n");
    assertThat(
            GatewayConfig.parse("--cluster.peer-credentials-file=" + file)
                .cluster()
                .peerAuthorization())
        .isEqualTo(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString("node:s3cret".getBytes(StandardCharsets.UTF_8)));
    Files.writeString(file, "no colon");
    assertThatThrownBy(() -> GatewayConfig.parse("--cluster.peer-credentials-file=" + file))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage("--cluster.peer-credentials-file " + file + " must hold USER:PASSWORD");
    Path absent = dir.resolve("absent");
    assertThatThrownBy(() -> GatewayConfig.parse("--cluster.peer-credentials-file=" + absent))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageStartingWith("--cluster.peer-credentials-file " + absent + ": cannot read: ");
  }
}
