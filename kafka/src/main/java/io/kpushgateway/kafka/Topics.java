package io.kpushgateway.kafka;

import java.util.Objects;

/** The names of the gateway's topics, derived once from the prefix. Never inline a topic name. */
public final class Topics {

  private final String pushes;

  private Topics(String prefix) {
    this.pushes = prefix + ".pushes";
  }

  public static Topics from(KafkaOptions options) {
    return new Topics(options.topicPrefix());
  }

  /**
   * {@code <prefix>.pushes}: the push log, keyed by the canonical grouping key, value {@code
   * PushRecord}, record timestamp = receive time. Delete retention: it is the history.
   */
  public String pushes() {
    return pushes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Topics other && pushes.equals(other.pushes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(pushes);
  }

  @Override
  public String toString() {
    return "Topics[pushes=" + pushes + "]";
  }
}
