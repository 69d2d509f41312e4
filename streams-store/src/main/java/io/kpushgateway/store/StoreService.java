package io.kpushgateway.store;

import io.kpushgateway.kafka.KafkaSettings;
import io.kpushgateway.kafka.Stores;
import io.kpushgateway.kafka.Topics;
import java.time.Duration;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Kafka Streams application that materialises the groups store: start, state, close. */
public final class StoreService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StoreService.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaStreams streams;

  public StoreService(KafkaSettings settings, Topics topics) {
    this.streams = new KafkaStreams(PushTopology.build(topics), settings.streams());
    streams.setStateListener(
        (now, before) -> LOG.info("store state {} -> {}", before, now));
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("stream thread failed, replacing it", e);
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
              .StreamThreadExceptionResponse.REPLACE_THREAD;
        });
  }

  public void start() {
    streams.start();
  }

  /** True when every local partition is assigned and restored: the store answers for them. */
  public boolean isRunning() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * The groups of every partition this node holds, read through interactive queries, as stored:
   * {@code GroupRecord} bytes ({@link StoredGroups#parse}).
   *
   * @throws StoreUnavailableException while the store is starting, rebalancing or restoring
   */
  public ReadOnlyKeyValueStore<Bytes, byte[]> groups() {
    if (!isRunning()) {
      throw new StoreUnavailableException("the groups store is " + streams.state());
    }
    try {
      return streams.store(
          StoreQueryParameters.fromNameAndType(
              Stores.GROUPS, QueryableStoreTypes.<Bytes, byte[]>keyValueStore()));
    } catch (InvalidStateStoreException e) {
      throw new StoreUnavailableException("the groups store is not available: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    // Leave the group: the partitions move to the other store nodes (or to this node's next
    // start) at once, instead of after the session timeout.
    streams.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(CLOSE_TIMEOUT));
  }
}
