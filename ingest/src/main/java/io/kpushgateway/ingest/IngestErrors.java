package io.kpushgateway.ingest;

import io.kpushgateway.core.validate.PushRejectedException;
import io.kpushgateway.kafka.PublishFailedException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a refused or failed push becomes a status code and a plain-text body,
 * for synchronous handlers and for answers completed in the producer callback alike.
 */
public final class IngestErrors {

  private static final Logger LOG = LoggerFactory.getLogger(IngestErrors.class);
  /** How long a client should wait before pushing again after a 503. */
  static final String RETRY_AFTER_SECONDS = "5";
  /** After a refusal that lasts until someone frees disk space: no use hammering sooner. */
  static final String RETRY_AFTER_REFUSED_SECONDS = "30";

  private IngestErrors() {}

  public static void register(Javalin app) {
    app.exception(PushRejectedException.class, (e, ctx) -> respond(ctx, e));
    app.exception(PublishFailedException.class, (e, ctx) -> respond(ctx, e));
    app.exception(BodyTooLargeException.class, (e, ctx) -> respond(ctx, e));
    app.exception(PushesRefusedException.class, (e, ctx) -> respond(ctx, e));
    app.exception(BudgetExhaustedException.class, (e, ctx) -> respond(ctx, e));
  }

  static void respond(Context ctx, Throwable failure) {
    Throwable e = unwrap(failure);
    if (e instanceof PushRejectedException rejected) {
      int status =
          switch (rejected.reason()) {
            case NOT_A_PUSH_PATH -> 404;
            case MALFORMED, INVALID_METRICS -> 400;
            case TOO_LARGE -> 413;
          };
      LOG.debug("push to {} rejected ({}): {}", ctx.path(), status, e.getMessage());
      text(ctx, status, status == 404 ? "404 page not found" : e.getMessage());
    } else if (e instanceof BodyTooLargeException) {
      text(ctx, 413, e.getMessage());
    } else if (e instanceof PushesRefusedException) {
      LOG.debug("push to {} refused: {}", ctx.path(), e.getMessage());
      ctx.header("Retry-After", RETRY_AFTER_REFUSED_SECONDS);
      text(ctx, 503, e.getMessage());
    } else if (e instanceof BudgetExhaustedException) {
      LOG.debug("push to {} not decoded: {}", ctx.path(), e.getMessage());
      ctx.header("Retry-After", RETRY_AFTER_SECONDS);
      text(ctx, 503, e.getMessage());
    } else if (e instanceof PublishFailedException failed) {
      LOG.warn("push to {} not stored: {}", ctx.path(), e.getMessage());
      if (failed.reason() == PublishFailedException.Reason.TOO_LARGE) {
        text(ctx, 413, e.getMessage());
      } else {
        ctx.header("Retry-After", RETRY_AFTER_SECONDS);
        text(ctx, 503, e.getMessage());
      }
    } else {
      LOG.error("push to {} failed unexpectedly", ctx.path(), e);
      text(ctx, 500, "internal error while handling the push");
    }
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static void text(Context ctx, int status, String message) {
    ctx.status(status).contentType("text/plain; charset=utf-8").result(message + "\n");
  }
}
