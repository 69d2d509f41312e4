package io.kpushgateway.app.http;

import io.kpushgateway.core.validate.PushRejectedException;
import io.kpushgateway.exposition.AdminIncompleteException;
import io.kpushgateway.exposition.ApiV1Routes;
import io.kpushgateway.exposition.BadQueryException;
import io.kpushgateway.exposition.NotFoundException;
import io.kpushgateway.ingest.BodyTooLargeException;
import io.kpushgateway.ingest.BudgetExhaustedException;
import io.kpushgateway.ingest.PushesRefusedException;
import io.kpushgateway.kafka.PublishFailedException;
import io.kpushgateway.store.StoreUnavailableException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a failure becomes an answer: every exception the modules throw, from a
 * handler or from the future it answers with, gets its status, body and {@code Retry-After} here.
 * Anything else is a logged 500 whose body says nothing of the cause.
 */
final class ErrorMap {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorMap.class);

  /** How long a client should wait before trying again, by what went wrong. */
  enum RetryAfter {
    /** The store is starting, restoring or moving partitions: seconds. */
    STORE("1"),
    /** The node is not ready yet ({@code /-/ready}). */
    NOT_READY("1"),
    /** The broker did not take the record, or the node is decoding all it can. */
    PUBLISH("5"),
    /** Refused until someone frees disk space: no use hammering sooner. */
    DISK_FULL("30");

    final String seconds;

    RetryAfter(String seconds) {
      this.seconds = seconds;
    }
  }

  private ErrorMap() {}

  /**
   * @param path the request path, for the log
   * @param json whether the route answers JSON (the query API), errors included
   */
  static Answer answer(Throwable failure, String path, boolean json) {
    Throwable e = unwrap(failure);
    Answer text;
    if (e instanceof PushRejectedException rejected) {
      LOG.debug("push to {} rejected: {}", path, e.getMessage());
      text =
          switch (rejected.reason()) {
            case NOT_A_PUSH_PATH -> Answer.notFound();
            case MALFORMED, INVALID_METRICS -> Answer.text(400, e.getMessage());
            case TOO_LARGE -> Answer.text(413, e.getMessage());
          };
    } else if (e instanceof BodyTooLargeException) {
      text = Answer.text(413, e.getMessage());
    } else if (e instanceof PushesRefusedException) {
      LOG.debug("push to {} refused: {}", path, e.getMessage());
      text = retry(503, e, RetryAfter.DISK_FULL);
    } else if (e instanceof BudgetExhaustedException) {
      LOG.debug("push to {} not decoded: {}", path, e.getMessage());
      text = retry(503, e, RetryAfter.PUBLISH);
    } else if (e instanceof PublishFailedException failed) {
      LOG.warn("push to {} not stored: {}", path, e.getMessage());
      text =
          failed.reason() == PublishFailedException.Reason.TOO_LARGE
              ? Answer.text(413, e.getMessage())
              : retry(503, e, RetryAfter.PUBLISH);
    } else if (e instanceof AdminIncompleteException) {
      LOG.warn("{}", e.getMessage());
      text = retry(503, e, RetryAfter.PUBLISH);
    } else if (e instanceof StoreUnavailableException) {
      LOG.info("{} answered 503: {}", path, e.getMessage());
      text = retry(503, e, RetryAfter.STORE);
    } else if (e instanceof BadQueryException) {
      text = Answer.text(400, e.getMessage());
    } else if (e instanceof NotFoundException) {
      text = Answer.notFound();
    } else {
      LOG.error("{} failed unexpectedly", path, e);
      text = Answer.text(500, "internal error");
    }
    return json ? asJson(text) : text;
  }

  private static Answer retry(int status, Throwable e, RetryAfter after) {
    return Answer.text(status, e.getMessage()).with("Retry-After", after.seconds);
  }

  /** The same answer as the query API's error object, as Prometheus' API answers errors. */
  private static Answer asJson(Answer text) {
    String type =
        switch (text.status()) {
          case 400, 413 -> "bad_data";
          case 503 -> "unavailable";
          default -> "internal";
        };
    String message = text.body().substring(0, text.body().length() - 1); // its newline
    Answer json =
        new Answer(text.status(), Map.of(), ApiV1Routes.errorJson(type, message))
            .with("Content-Type", "application/json");
    String retryAfter = text.headers().get("Retry-After");
    return retryAfter == null ? json : json.with("Retry-After", retryAfter);
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
