package io.kpushgateway.kafka;

import java.time.Duration;
import java.util.regex.Pattern;

/** The checks the options records share. */
final class Checks {

  // Kafka's legal topic characters; the application id prefixes internal topic names too.
  private static final Pattern TOPIC_NAME_PART = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

  private Checks() {}

  static void requireNonBlank(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  static void requireTopicNamePart(String value, String name) {
    if (value == null || !TOPIC_NAME_PART.matcher(value).matches()) {
      throw new IllegalArgumentException(
          name
              + " must be 1-200 of [a-zA-Z0-9._-] (it becomes part of Kafka topic names): "
              + value);
    }
  }

  static void requirePositive(Duration value, String name) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }
}
