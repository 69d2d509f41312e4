package io.kpushgateway.app;

import io.kpushgateway.broker.EmbeddedKafka;
import io.kpushgateway.core.format.EscapingScheme;
import io.kpushgateway.core.format.ExpositionFormats;
import io.kpushgateway.core.format.GoSyntax;
import io.kpushgateway.core.merge.FamilyMerger;
import io.kpushgateway.core.select.SelectorSyntaxException;
import io.kpushgateway.core.select.SeriesFilter;
import io.kpushgateway.core.select.SeriesSelector;
import io.kpushgateway.exposition.AtQuery;
import io.kpushgateway.exposition.BadQueryException;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.store.HistoryReplay;
import io.kpushgateway.store.ReplayFailedException;
import io.kpushgateway.store.StoredGroup;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kpushgateway replay --at=T}: the page of the pushed groups as of T, read offline from the
 * push log and the snapshots (a Kafka cluster, or the all-in-one gateway's data directory with its
 * broker started for the replay), merged and written exactly as {@code /metrics?at=T} serves it
 * (with {@code --match}, as {@code /federate}); the gateway's own metrics are not part of it.
 *
 * <p>Exit status: 0 with the page written; 2 for a command line that is wrong in itself (an option
 * that does not parse, a time in the future, a selector that does not parse); 1 when the replay
 * cannot be done (the cluster not answering, no gateway data, a time before the retained history).
 * Either way one line on stderr says why.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    versionProvider = Flags.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description =
        "Print the pushed groups as they were at a time, read offline from the push log, as"
            + " /metrics?at= serves them.")
final class Replay {

  static final int USAGE = 2;
  static final int FAILED = 1;

  private static final String NAME = "kpushgateway replay";

  /** The formats of {@code --format}, each a writer of the gateway's. */
  enum Format {
    text(ExpositionFormats.Format.TEXT),
    protobuf(ExpositionFormats.Format.PROTOBUF),
    openmetrics(ExpositionFormats.Format.OPENMETRICS_1_0_0);

    final ExpositionFormats.Format writer;

    Format(ExpositionFormats.Format writer) {
      this.writer = writer;
    }
  }

  @Option(
      names = "--at",
      required = true,
      paramLabel = "TIME",
      description =
          "The time to replay to, as ?at= takes it: Unix seconds with a fraction, or RFC 3339"
              + " (2026-12-02T03:00:00Z).")
  String at;

  @Option(
      names = "--format",
      defaultValue = "text",
      description = "text (0.0.4), protobuf (delimited) or openmetrics (default ${DEFAULT-VALUE}).")
  Format format;

  @Option(
      names = "--match",
      paramLabel = "SELECTOR",
      description =
          "Only the series a Prometheus selector selects, as /federate's match[]; repeatable"
              + " (a series any of them selects is kept).")
  List<String> match = new ArrayList<>();

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "Write the page to FILE instead of stdout.")
  Path output;

  @Option(
      names = "--kafka.bootstrap-servers",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      description =
          "The gateway's Kafka cluster. When absent, the all-in-one gateway's broker is started on"
              + " --data.dir for the replay (that gateway must be stopped).")
  String bootstrapServers;

  @Option(
      names = "--data.dir",
      defaultValue = "./data",
      description =
          "The all-in-one gateway's data directory, without --kafka.bootstrap-servers"
              + " (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--kafka.topic-prefix",
      defaultValue = "kpushgateway",
      description = "The gateway's --kafka.topic-prefix (default ${DEFAULT-VALUE}).")
  String topicPrefix;

  @Option(
      names = "--kafka.application-id",
      defaultValue = "kpushgateway",
      description =
          "The gateway's --kafka.application-id, whose snapshot index is read when it is there"
              + " (default ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(
      names = "--timeout",
      defaultValue = "30s",
      converter = Flags.DurationConverter.class,
      description =
          "How long to wait for the Kafka cluster, and for the read of each partition"
              + " (default ${DEFAULT-VALUE}).")
  Duration timeout;

  /** A command line that is wrong in itself. */
  private static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  private Replay() {}

  /**
   * Runs the replay with these arguments (those after {@code replay}): the page to {@code out}
   * (unless {@code --output}), help to {@code out}, errors and the progress bar to {@code err}.
   *
   * @return the exit status
   */
  static int run(String[] args, OutputStream out, PrintStream err) {
    Replay replay = new Replay();
    CommandLine cli = new CommandLine(replay);
    try {
      cli.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      return fail(err, USAGE, e.getMessage() + " (see " + NAME + " --help)");
    }
    PrintStream text = new PrintStream(out, true, StandardCharsets.UTF_8);
    if (cli.isUsageHelpRequested()) {
      cli.usage(text);
      return 0;
    }
    if (cli.isVersionHelpRequested()) {
      cli.printVersionHelp(text);
      return 0;
    }
    try (ReplayProgress progress = ReplayProgress.on(err)) {
      replay.replay(out, progress);
      return 0;
    } catch (UsageException | BadQueryException e) {
      return fail(err, USAGE, e.getMessage());
    } catch (ReplayFailedException e) {
      return fail(err, FAILED, e.getMessage());
    } catch (IOException e) {
      return fail(err, FAILED, "cannot write the page: " + e.getMessage());
    } catch (RuntimeException e) { // a broker that did not start, Kafka failing in between
      return fail(err, FAILED, e.toString());
    }
  }

  /**
   * Nothing on stderr but the replay's own error: slf4j-simple's levels off, the Kafka clients' and
   * the broker's too (simplelogger.properties sets theirs), before the first logger is made.
   */
  static void quietLogs() {
    for (String logger : List.of("defaultLogLevel", "log.org.apache.kafka", "log.kafka")) {
      System.setProperty("org.slf4j.simpleLogger." + logger, "off");
    }
  }

  private static int fail(PrintStream err, int status, String message) {
    err.println(NAME + ": " + message.replaceAll("\\s*\\R\\s*", " ").strip());
    err.flush();
    return status;
  }

  private void replay(OutputStream out, ReplayProgress progress) throws IOException {
    // the command line first: nothing is started for one that is wrong
    Instant instant = AtQuery.parse("--at", at);
    List<SeriesSelector> selectors = new ArrayList<>();
    for (String text : match) {
      try {
        selectors.add(SeriesSelector.parse(text));
      } catch (SelectorSyntaxException e) {
        throw new UsageException("bad --match " + GoSyntax.quote(text) + ": " + e.getMessage());
      }
    }
    HistoryReplay.Result read;
    if (bootstrapServers != null && !bootstrapServers.isBlank()) {
      read = read(bootstrapServers, instant, progress);
    } else {
      try (EmbeddedKafka broker = startBroker(progress)) {
        read = read(broker.bootstrapServers(), instant, progress);
      }
    }
    if (read.beforeHistory().isPresent()) {
      throw new ReplayFailedException(
          AtQuery.beforeHistory("--at", instant, read.beforeHistory().get()));
    }
    List<GroupRecord> groups = new ArrayList<>(read.groups().size());
    for (StoredGroup group : read.groups()) {
      groups.add(group.record());
    }
    ExpositionFormats.Format writer = format.writer;
    // as ScrapePage: no own metrics at a past instant, the default escaping of a scrape
    List<MetricFamily> families =
        FamilyMerger.merge(
            List.of(),
            groups,
            writer.isOpenMetrics()
                ? FamilyMerger.Naming.OPENMETRICS
                : FamilyMerger.Naming.PROMETHEUS);
    if (!selectors.isEmpty()) {
      families = SeriesFilter.keep(families, selectors);
    }
    progress.close(); // the bar is gone before the page is written
    if (output == null) {
      OutputStream buffered = new BufferedOutputStream(out);
      writer.write(buffered, families, EscapingScheme.DEFAULT);
      buffered.flush();
    } else {
      try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(output))) {
        writer.write(file, families, EscapingScheme.DEFAULT);
      }
    }
  }

  private HistoryReplay.Result read(String bootstrap, Instant instant, ReplayProgress progress) {
    HistoryReplay history = HistoryReplay.open(bootstrap, topicPrefix, applicationId, timeout);
    progress.task("replay", history.partitions());
    return history.readAt(instant, partition -> progress.step());
  }

  /** The all-in-one gateway's broker, on its data directory, once no gateway runs on it. */
  private EmbeddedKafka startBroker(ReplayProgress progress) {
    Path brokerDir = GatewayConfig.Data.brokerDir(dataDir);
    if (!EmbeddedKafka.hasLog(brokerDir)) {
      throw new ReplayFailedException(
          "--data.dir "
              + dataDir
              + " holds no all-in-one gateway's data (no broker log in "
              + brokerDir
              + "); give --kafka.bootstrap-servers for a gateway on a Kafka cluster");
    }
    if (EmbeddedKafka.inUse(brokerDir)) {
      throw new ReplayFailedException(
          "a gateway is running on --data.dir "
              + dataDir
              + ": stop it first, or replay through its broker with --kafka.bootstrap-servers"
              + " (its --kafka.embedded-broker-port)");
    }
    progress.task("starting the broker", -1);
    try {
      return EmbeddedKafka.start(brokerDir);
    } catch (RuntimeException e) {
      throw new ReplayFailedException(
          "the broker on --data.dir " + dataDir + " did not start: " + e.getMessage());
    }
  }
}
