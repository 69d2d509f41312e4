package io.kpushgateway.exposition;

import io.kpushgateway.kafka.PublishFailedException;

/** A wipe stopped by a delete the broker did not take: 503, saying how far it got. */
public final class WipeIncompleteException extends RuntimeException {
  WipeIncompleteException(int deleted, int total, PublishFailedException cause) {
    super(
        "wipe incomplete: " + deleted + " of " + total + " groups deleted: " + cause.getMessage(),
        cause,
        false,
        false);
  }
}
