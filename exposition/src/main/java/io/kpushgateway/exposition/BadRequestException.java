package io.kpushgateway.exposition;

/**
 * A read the gateway cannot answer as asked: a bad query parameter ({@code match[]}, {@code
 * scope}, {@code partition}). 400, with the message as the body, as Go's {@code http.Error}.
 */
public final class BadRequestException extends RuntimeException {
  public BadRequestException(String message) {
    super(message, null, false, false);
  }
}
