package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kpushgateway.core.space.Bytes;
import io.kpushgateway.core.space.FreeSpaceThreshold;
import io.kpushgateway.core.validate.PushLimits;
import io.kpushgateway.ingest.DecodeBudget;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GatewayConfigTest {

  @Test
  void defaultsAreUpstreamsWhereTheMeaningIsTheSame() {
    GatewayConfig c = GatewayConfig.parse();
    assertThat(c.listenSocket().getPort()).isEqualTo(9091);
    assertThat(c.listenSocket().getAddress().isAnyLocalAddress()).isTrue();
    assertThat(c.telemetryPath).isEqualTo("/metrics");
    assertThat(c.embeddedBroker()).isTrue();
    assertThat(c.produceTimeout).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.maxBodyBytes).isEqualTo(32L << 20);
    assertThat(c.enableOpenMetrics).isFalse();
    assertThat(c.flags()).containsEntry("web.enable-openmetrics", "false");
  }

  @Test
  void minFreeSpaceIsASizeAShareOrZeroAndDefaultsToTwoRecordsOrFivePercent() {
    GatewayConfig defaults = GatewayConfig.parse();
    assertThat(defaults.minFreeSpace())
        .isEqualTo(new FreeSpaceThreshold(2L * (65 << 20), 5)); // records of 2 x 32MiB + 1MiB
    assertThat(defaults.flags()).containsEntry("data.min-free-space", "max(130MiB, 5%)");
    assertThat(GatewayConfig.parse("--push.max-body-size=4MiB").minFreeSpace().bytes())
        .isEqualTo(18L << 20);
    assertThat(GatewayConfig.parse("--data.min-free-space=512MiB").minFreeSpace())
        .isEqualTo(FreeSpaceThreshold.ofBytes(512L << 20));
    GatewayConfig share = GatewayConfig.parse("--data.min-free-space=10%");
    assertThat(share.minFreeSpace()).isEqualTo(FreeSpaceThreshold.ofPercent(10));
    assertThat(share.flags()).containsEntry("data.min-free-space", "10%");
    assertThat(GatewayConfig.parse("--data.min-free-space=0").minFreeSpace())
        .isEqualTo(FreeSpaceThreshold.NONE);
    for (String bad : new String[] {"100%", "x%", "-1%", "lots"}) {
      assertThatThrownBy(() -> GatewayConfig.parse("--data.min-free-space=" + bad))
          .as(bad)
          .isInstanceOf(CommandLine.ParameterException.class)
          .hasMessageContaining("--data.min-free-space");
    }
  }

  @Test
  void pushLimitsHaveDefaultsFarAboveRealPushesAndFlagsToChangeThem() {
    GatewayConfig defaults = GatewayConfig.parse();
    assertThat(defaults.pushLimits())
        .isEqualTo(new PushLimits(100_000, 2_000_000, 256, 1024, 16384));
    assertThat(defaults.decodeBudgetBytes()).isEqualTo(DecodeBudget.defaultBytes());
    assertThat(defaults.flags())
        .containsEntry("push.decode-budget", Bytes.format(DecodeBudget.defaultBytes()));
    GatewayConfig set =
        GatewayConfig.parse(
            "--push.max-families=10", "--push.max-series=20", "--push.max-labels-per-series=3",
            "--push.max-label-name-length=40", "--push.max-label-value-length=50",
            "--push.decode-budget=64MiB");
    assertThat(set.pushLimits()).isEqualTo(new PushLimits(10, 20, 3, 40, 50));
    assertThat(set.decodeBudgetBytes()).isEqualTo(64L << 20);
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
    assertThat(c.enableOpenMetrics).isTrue();
    assertThat(c.flags()).containsEntry("web.enable-openmetrics", "true");
  }

  @Test
  void flagsAreReportedAsWritten() {
    GatewayConfig c =
        GatewayConfig.parse(
            "--web.listen-address=127.0.0.1:0", "--kafka.produce-timeout=1500ms",
            "--push.max-body-size=512KiB", "--web.enable-lifecycle");
    assertThat(c.produceTimeout).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.maxBodyBytes).isEqualTo(512L * 1024);
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
    assertThat(GatewayConfig.parse().enableUtf8Names).isFalse();
    assertThat(GatewayConfig.parse().flags()).containsEntry("push.enable-utf8-names", "false");
    GatewayConfig on = GatewayConfig.parse("--push.enable-utf8-names");
    assertThat(on.enableUtf8Names).isTrue();
    assertThat(on.flags()).containsEntry("push.enable-utf8-names", "true");
  }

  @Test
  void adminApiIsOffUnlessAskedForAndReportedEitherWay() {
    GatewayConfig off = GatewayConfig.parse();
    assertThat(off.enableAdminApi).isFalse();
    assertThat(off.flags()).containsEntry("web.enable-admin-api", "false");
    GatewayConfig on = GatewayConfig.parse("--web.enable-admin-api");
    assertThat(on.enableAdminApi).isTrue();
    assertThat(on.flags()).containsEntry("web.enable-admin-api", "true");
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
    assertThat(GatewayConfig.parse().routePrefix()).isEmpty();
    assertThat(GatewayConfig.parse("--web.route-prefix=pgw/").routePrefix()).isEqualTo("/pgw");
    assertThat(GatewayConfig.parse("--web.route-prefix=//a//").routePrefix()).isEqualTo("/a");
    assertThat(GatewayConfig.parse("--web.route-prefix=/").routePrefix()).isEmpty();
    assertThat(GatewayConfig.parse("--web.external-url=http://example.com:8080/ext/gw/")
            .routePrefix()).isEqualTo("/ext/gw");
    assertThat(GatewayConfig.parse("--web.external-url=http://example.com").routePrefix())
        .isEmpty();
    assertThat(GatewayConfig.parse("--web.external-url=http://h/x/", "--web.route-prefix=/y")
            .routePrefix()).isEqualTo("/y");
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
    assertThat(all.roles)
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
    assertThat(c.advertisedAddress()).isEqualTo("127.0.0.1:9999");
    assertThat(c.partialReads).isEqualTo(GatewayConfig.PartialReads.fail);
    assertThat(c.peerTimeout).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.standbyReplicas).isZero();
    assertThat(c.sessionTimeout).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.minInsyncReplicas()).isEqualTo(1);
    assertThat(GatewayConfig.parse("--kafka.replication-factor=3").minInsyncReplicas())
        .isEqualTo(2);
    assertThat(
            GatewayConfig.parse("--cluster.advertise-address=store-1:9091").advertisedAddress())
        .isEqualTo("store-1:9091");
    assertThatThrownBy(() -> GatewayConfig.parse("--cluster.advertise-address=store-1"))
        .hasMessageContaining("HOST:PORT");
    assertThatThrownBy(() -> GatewayConfig.parse("--kafka.min-insync-replicas=2"))
        .hasMessageContaining("between 1 and --kafka.replication-factor");
    assertThatThrownBy(() -> GatewayConfig.parse("--store.standby-replicas=-1"))
        .hasMessageContaining("must not be negative");
    assertThatThrownBy(() -> GatewayConfig.parse("--cluster.partial-reads=sometimes"))
        .hasMessageContaining("sometimes");
  }
}
