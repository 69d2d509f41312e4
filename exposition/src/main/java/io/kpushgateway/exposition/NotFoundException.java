package io.kpushgateway.exposition;

/** Nothing is served at this path, though its route exists: Go's plain 404. */
public final class NotFoundException extends RuntimeException {
  public NotFoundException(String what) {
    super(what + " not found", null, false, false);
  }
}
