package io.kpushgateway.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kpushgateway.core.format.TextParser;
import io.kpushgateway.core.format.TextWriter;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.core.validate.PushRejectedException;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BatchSplitTest {

  private static final List<String> JOB_INSTANCE = List.of("job", "instance");

  @Test
  void seriesGoToTheGroupsTheirLabelsNameWithoutThoseLabels() throws IOException {
    List<BatchSplit.Group> groups =
        BatchSplit.split(
            parse(
                """
                # TYPE up gauge
                up{job="b",instance="1"} 1
                up{job="a",instance="2",zone="x"} 2
                up{instance="1",job="b",zone="y"} 3
                # HELP temp A temperature.
                # TYPE temp gauge
                temp{job="a",instance="2"} 20
                """),
            JOB_INSTANCE);

    assertThat(groups)
        .extracting(BatchSplit.Group::key)
        .as("grouping key order: instance sorts before job")
        .containsExactly(
            GroupingKey.of(Map.of("job", "b", "instance", "1")),
            GroupingKey.of(Map.of("job", "a", "instance", "2")));
    assertThat(text(groups.get(1).families()))
        .isEqualTo(
            """
            # TYPE up gauge
            up{zone="x"} 2
            # HELP temp A temperature.
            # TYPE temp gauge
            temp 20
            """);
    assertThat(text(groups.get(0).families()))
        .isEqualTo(
            """
            # TYPE up gauge
            up 1
            up{zone="y"} 3
            """);
  }

  @Test
  void withoutInstanceInGroupByTheInstanceLabelStaysOnTheSeries() throws IOException {
    List<BatchSplit.Group> groups =
        BatchSplit.split(parse("up{job=\"a\",instance=\"1\"} 1\n"), List.of("job"));
    assertThat(groups)
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.key()).isEqualTo(GroupingKey.of(Map.of("job", "a")));
              assertThat(text(g.families())).isEqualTo("# TYPE up untyped\nup{instance=\"1\"} 1\n");
            });
  }

  @Test
  void aSeriesWithoutAGroupByLabelIsRefusedNamingIt() {
    assertThatThrownBy(
            () ->
                BatchSplit.split(
                    parse("up{job=\"a\"} 1\nup{job=\"a\",instance=\"1\"} 1\n"), JOB_INSTANCE))
        .isInstanceOf(PushRejectedException.class)
        .hasMessage("a series of family up lacks the group_by label instance (labels {job=\"a\"})")
        .extracting(e -> ((PushRejectedException) e).reason())
        .isEqualTo(PushRejectedException.Reason.MALFORMED);
  }

  @Test
  void anEmptyJobIsRefused() {
    assertThatThrownBy(() -> BatchSplit.split(parse("up{job=\"\"} 1\n"), List.of("job")))
        .isInstanceOf(PushRejectedException.class)
        .hasMessageContaining("empty job label");
  }

  @Test
  void aFamilyWithoutSeriesIsRefused() {
    // (protobuf only: the text parser drops a family without samples)
    assertThatThrownBy(
            () ->
                BatchSplit.split(
                    List.of(MetricFamily.newBuilder().setName("up").build()), List.of("job")))
        .isInstanceOf(PushRejectedException.class)
        .hasMessageContaining("family up has no series");
  }

  @ParameterizedTest(name = "group_by={0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''|group_by is required",
        "instance|group_by must include job",
        "job,,instance|invalid label name \"\"",
        "job,job|names label job twice",
        "job,__name__|invalid label name \"__name__\"",
        "job,a-b|invalid label name \"a-b\"",
      })
  void badGroupByIsRefusedNamingTheProblem(String param, String message) {
    assertThatThrownBy(() -> BatchSplit.parseGroupBy(param, NameValidationScheme.LEGACY))
        .isInstanceOf(PushRejectedException.class)
        .hasMessageContaining(message);
  }

  @Test
  void groupByKeepsItsOrder() {
    assertThat(BatchSplit.parseGroupBy("instance,job", NameValidationScheme.LEGACY))
        .containsExactly("instance", "job");
  }

  private static List<MetricFamily> parse(String text) throws IOException {
    return TextParser.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static String text(List<MetricFamily> families) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      TextWriter.write(out, families);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
