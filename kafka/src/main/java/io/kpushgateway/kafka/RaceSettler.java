package io.kpushgateway.kafka;

import io.kpushgateway.core.model.UnixNanos;
import io.kpushgateway.core.validate.FamilyCatalog;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles a race between conflicting pushes to different groups: writes to the push log, for the
 * losing group, a failed push that withdraws its conflicting families. The store applies it like
 * any push, so the group gets {@code push_failure_time_seconds} as upstream's loser would, and a
 * replay of the log rebuilds the same state. Every node that sees the conflict writes the same
 * withdrawal; applying it again changes nothing but the failure time.
 */
public final class RaceSettler implements Consumer<List<FamilyCatalog.Conflict>> {

  private static final Logger LOG = LoggerFactory.getLogger(RaceSettler.class);

  private final PushPublisher publisher;
  private final Clock clock;
  private final String nodeName;

  public RaceSettler(PushPublisher publisher, Clock clock, String nodeName) {
    this.publisher = publisher;
    this.clock = clock;
    this.nodeName = nodeName;
  }

  @SuppressWarnings("FutureReturnValueIgnored") // whenComplete logs the failure
  @Override
  public void accept(List<FamilyCatalog.Conflict> conflicts) {
    for (FamilyCatalog.Conflict conflict : conflicts) {
      Instant now = clock.instant();
      PushRecord record =
          PushRecord.newBuilder()
              .setMethod(Method.POST)
              .addAllGrouping(conflict.loser().toLabelPairs())
              .setRejection(conflict.reason())
              .addAllRevoked(conflict.revoked())
              .setReceivedAtUnixNanos(UnixNanos.of(now))
              .setIngestNode(nodeName)
              .build();
      LOG.warn(
          "group {} {}: withdrawing {}", conflict.loser(), conflict.reason(), conflict.revoked());
      publisher
          .publish(conflict.loser().toBytes(), record)
          .whenComplete(
              (ok, failure) -> {
                if (failure != null) {
                  LOG.warn(
                      "could not settle the conflict of {}: {}",
                      conflict.loser(),
                      failure.toString());
                }
              });
    }
  }
}
