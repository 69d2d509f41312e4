package io.kpushgateway.broker;

import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded broker's INFO chatter (~1,700 lines per start in Kafka 4.3.1) out of the
 * gateway's log. Kafka's server code logs through slf4j only (log4j-core is on the classpath for
 * its log-level MBean, it prints nothing), so the level is the binding's business. With
 * slf4j-simple, which the gateway ships, we default the broker's loggers to WARN through its system
 * properties, unless the user already set them (e.g. {@code
 * -Dorg.slf4j.simpleLogger.log.kafka=info}). Other bindings are configured by their own files.
 */
final class BrokerLogging {

  private static final String SIMPLE_LOGGER_FACTORY = "org.slf4j.simple.SimpleLoggerFactory";
  private static final String SIMPLE_LOGGER_PREFIX = "org.slf4j.simpleLogger.log.";
  private static final String SIMPLE_LOGGER_DEFAULT_LEVEL =
      "org.slf4j.simpleLogger.defaultLogLevel";

  /** Broker-side packages, plus the three shared ones the broker fills with config dumps. */
  static final List<String> BROKER_LOGGERS =
      List.of(
          "kafka",
          "state.change.logger",
          "org.apache.kafka.controller",
          "org.apache.kafka.coordinator",
          "org.apache.kafka.deferred",
          "org.apache.kafka.image",
          "org.apache.kafka.metadata",
          "org.apache.kafka.network",
          "org.apache.kafka.queue",
          "org.apache.kafka.raft",
          "org.apache.kafka.security",
          "org.apache.kafka.server",
          "org.apache.kafka.snapshot",
          "org.apache.kafka.storage",
          "org.apache.kafka.timeline",
          "org.apache.kafka.common.config.AbstractConfig",
          "org.apache.kafka.common.metrics.Metrics",
          "org.apache.kafka.common.utils.AppInfoParser");

  private BrokerLogging() {}

  static void quietUnlessConfigured() {
    if (!SIMPLE_LOGGER_FACTORY.equals(LoggerFactory.getILoggerFactory().getClass().getName())) {
      return;
    }
    // never louder than the process's own level (the replay's is off)
    String level = System.getProperty(SIMPLE_LOGGER_DEFAULT_LEVEL, "info");
    String quiet = level.equals("error") || level.equals("off") ? level : "warn";
    for (String name : BROKER_LOGGERS) {
      String key = SIMPLE_LOGGER_PREFIX + name;
      if (System.getProperty(key) == null) {
        System.setProperty(key, quiet);
      }
    }
  }
}
