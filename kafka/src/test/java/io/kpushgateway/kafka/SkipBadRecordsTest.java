package io.kpushgateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler.Result;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** A bad record is skipped; a store that cannot write (a full disk) fails the thread. */
class SkipBadRecordsTest {

  private final SkipBadRecords handler = new SkipBadRecords();
  private final Record<String, String> record = new Record<>("k", "v", 0L);

  @Test
  void aStoreThatCannotWriteFailsSoThePushIsAppliedAgain() {
    ProcessorStateException full =
        new ProcessorStateException(
            "Error while putting key/value into store groups",
            new RuntimeException("IO error: No space left on device"));
    assertThat(handler.handleError(new Context(), record, full).result()).isEqualTo(Result.FAIL);
    assertThat(
            handler
                .handleError(new Context(), record, new StreamsException("wrapped", full))
                .result())
        .isEqualTo(Result.FAIL);
  }

  @Test
  void aRecordThatCannotBeAppliedIsSkipped() {
    assertThat(
            handler
                .handleError(new Context(), record, new IllegalArgumentException("bad push"))
                .result())
        .isEqualTo(Result.RESUME);
  }

  /** What Kafka Streams tells the handler about the record, as far as it logs it. */
  private static final class Context implements ErrorHandlerContext {
    @Override
    public String topic() {
      return "kpushgateway.pushes";
    }

    @Override
    public int partition() {
      return 2;
    }

    @Override
    public long offset() {
      return 13;
    }

    @Override
    public Headers headers() {
      return new RecordHeaders();
    }

    @Override
    public String processorNodeId() {
      return "KSTREAM-PROCESSOR-0000000001";
    }

    @Override
    public TaskId taskId() {
      return new TaskId(0, 2);
    }

    @Override
    public long timestamp() {
      return 0;
    }

    @Override
    public byte[] sourceRawKey() {
      return null;
    }

    @Override
    public byte[] sourceRawValue() {
      return null;
    }
  }
}
