package io.kpushgateway.ingest;

/**
 * A push that could not have the memory to be decoded within the wait ({@link DecodeBudget}): the
 * pushes being decoded take it. Answered 503 with Retry-After; the body is not read further.
 */
public final class BudgetExhaustedException extends RuntimeException {

  BudgetExhaustedException(String message) {
    super(message, null, false, false);
  }
}
