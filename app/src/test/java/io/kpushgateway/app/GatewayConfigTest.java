package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
