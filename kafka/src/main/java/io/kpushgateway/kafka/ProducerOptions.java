package io.kpushgateway.kafka;

import java.time.Duration;

/**
 * The push producer.
 *
 * @param produceTimeout longest wait for the broker to acknowledge a push before it fails
 * @param maxInFlightPushes pushes waiting for an acknowledgement beyond which a publish fails at
 *     once instead of queuing
 */
public record ProducerOptions(Duration produceTimeout, int maxInFlightPushes) {

  public ProducerOptions {
    Checks.requirePositive(produceTimeout, "produceTimeout");
    if (produceTimeout.toMillis() < 2) {
      throw new IllegalArgumentException("produceTimeout must be at least 2 ms: " + produceTimeout);
    }
    if (maxInFlightPushes < 1) {
      throw new IllegalArgumentException(
          "maxInFlightPushes must be at least 1: " + maxInFlightPushes);
    }
  }
}
