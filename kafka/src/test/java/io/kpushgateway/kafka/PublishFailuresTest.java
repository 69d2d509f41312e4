package io.kpushgateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.kafka.PublishFailedException.Reason;
import java.time.Duration;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How the producer's failures become the reason and the words of a push's answer. */
class PublishFailuresTest {

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of(new RecordTooLargeException("big"), Reason.TOO_LARGE, "push too large"),
        Arguments.of(new BufferExhaustedException("full"), Reason.OVERLOADED, "buffer full"),
        Arguments.of(
            new KafkaStorageException("Disk error when trying to access log file on the disk."),
            Reason.UNAVAILABLE,
            "the broker cannot store the push now: KafkaStorageException, a log directory"),
        Arguments.of(
            new NotEnoughReplicasException("Number of insync replicas is 1, below 2"),
            Reason.UNAVAILABLE,
            "cannot store the push now: NotEnoughReplicasException, fewer in-sync replicas"),
        Arguments.of(
            new NotEnoughReplicasAfterAppendException("after append"),
            Reason.UNAVAILABLE,
            "NotEnoughReplicasAfterAppendException, fewer in-sync replicas"),
        Arguments.of(
            new KafkaException("wrapped", new KafkaStorageException("disk")),
            Reason.UNAVAILABLE,
            "KafkaStorageException"),
        Arguments.of(
            new TimeoutException("Expiring 1 record(s)"),
            Reason.UNAVAILABLE,
            "push not acknowledged within 10000 ms"),
        Arguments.of(new KafkaException("odd"), Reason.UNAVAILABLE, "push not stored"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void eachFailureHasItsReasonAndSaysWhy(Exception failure, Reason reason, String says) {
    PublishFailedException e = KafkaPushPublisher.classify(failure, Duration.ofSeconds(10), false);
    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e.getMessage()).contains(says);
    assertThat(e.getCause()).isSameAs(failure);
  }
}
