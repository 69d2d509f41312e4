package io.kpushgateway.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * The protobuf encoding of one push's records: the PushRecord ingest publishes (and the store
 * parses from the topic) and the GroupRecord the store writes after the PUT (and every read
 * parses). The messages keep their serialized size after the first encoding, so {@code toByteArray}
 * here is the write alone, as for the push (PushController asks its size before the producer
 * encodes it); the store encodes a new GroupRecord, whose size is computed once more. Not measured:
 * the serdes' wrapping, the producer, RocksDB.
 */
public class RecordBenchmark extends PushBenchmarkDefaults {

  private PushRecord push;
  private byte[] pushBytes;
  private GroupRecord group;
  private byte[] groupBytes;

  @Setup
  public void setUp() {
    byte[] body = PushFixture.text(PushFixture.PUT_LOAD);
    push = PushFixture.push(Method.PUT, PushFixture.KEY, body, PushFixture.RECEIVED_AT);
    pushBytes = push.toByteArray();
    group = PushFixture.group(PushFixture.KEY, body, PushFixture.RECEIVED_AT);
    groupBytes = group.toByteArray();
  }

  @Benchmark
  public byte[] pushToByteArray() {
    return push.toByteArray();
  }

  @Benchmark
  public PushRecord pushParseFrom() throws InvalidProtocolBufferException {
    return PushRecord.parseFrom(pushBytes);
  }

  @Benchmark
  public byte[] groupToByteArray() {
    return group.toByteArray();
  }

  @Benchmark
  public GroupRecord groupParseFrom() throws InvalidProtocolBufferException {
    return GroupRecord.parseFrom(groupBytes);
  }
}
