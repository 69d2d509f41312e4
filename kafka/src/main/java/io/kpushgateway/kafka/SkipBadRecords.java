package io.kpushgateway.kafka;

import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's processing exception handler: a record that cannot be applied is logged and skipped,
 * so it does not stop the store for every other group; a store that cannot be written (RocksDB
 * failing, e.g. on a full disk) fails the stream thread instead. Skipping that record would lose an
 * acknowledged push once a later commit moved past it; failed, it is applied again by the thread
 * that replaces this one, once the store can write.
 */
public final class SkipBadRecords extends LogAndContinueProcessingExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(SkipBadRecords.class);

  @Override
  public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception e) {
    if (storeFailed(e)) {
      LOG.error(
          "the groups store cannot be written ({}); the push at offset {} of {}-{} is applied"
              + " again once it can",
          e.getMessage(),
          context.offset(),
          context.topic(),
          context.partition());
      return Response.fail();
    }
    return super.handleError(context, record, e);
  }

  /** A state store failed, not the record: RocksDB's errors reach us as these. */
  static boolean storeFailed(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ProcessorStateException) {
        return true;
      }
    }
    return false;
  }
}
