package io.kpushgateway.ingest;

/** A push body larger than {@code --push.max-body-size} (after decompression): 413. */
public final class BodyTooLargeException extends RuntimeException {
  final long limit;

  BodyTooLargeException(long limit) {
    super(
        "push body exceeds the limit of " + limit + " bytes (--push.max-body-size)",
        null,
        false,
        false);
    this.limit = limit;
  }
}
