package io.kpushgateway.app.role;

import io.kpushgateway.broker.EmbeddedKafka;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The single-node KRaft broker a node starts when it is given no Kafka address. */
public final class EmbeddedBrokerRole extends Role {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBrokerRole.class);

  private EmbeddedKafka broker;

  private EmbeddedBrokerRole() {}

  /**
   * @param port on 127.0.0.1; 0 picks a free one
   * @param flush when it forces its log to disk
   */
  public static EmbeddedBrokerRole start(Path logDir, int port, EmbeddedKafka.Flush flush) {
    return starting(
        new EmbeddedBrokerRole(),
        role -> {
          role.broker = role.own(EmbeddedKafka.start(logDir, port, flush));
          LOG.info("embedded Kafka broker listening on {}", role.broker.bootstrapServers());
        });
  }

  public EmbeddedKafka broker() {
    return broker;
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }
}
