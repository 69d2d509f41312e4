package io.kpushgateway.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kpushgateway.core.model.GroupState;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * GroupState.apply of one push onto a group that holds the same 20 families from an earlier PUT,
 * both parsed from their bytes as GroupProcessor gets them (the push from the topic, the group from
 * the store). Not measured: RocksDB, the history index, the deadlines.
 */
public class ApplyBenchmark extends PushBenchmarkDefaults {

  private GroupRecord current;
  private PushRecord put;
  private PushRecord post;

  @Setup
  public void setUp() throws InvalidProtocolBufferException {
    byte[] body = PushFixture.text(PushFixture.PUT_LOAD);
    long t = PushFixture.RECEIVED_AT;
    current = GroupRecord.parseFrom(PushFixture.group(PushFixture.KEY, body, t).toByteArray());
    put =
        PushRecord.parseFrom(
            PushFixture.push(Method.PUT, PushFixture.KEY, body, t + 1).toByteArray());
    post =
        PushRecord.parseFrom(
            PushFixture.push(Method.POST, PushFixture.KEY, body, t + 1).toByteArray());
  }

  /** PUT: every family replaced. */
  @Benchmark
  public GroupRecord put() {
    return GroupState.apply(current, put);
  }

  /** POST: the families of the pushed names replaced (here all 20), merged by name. */
  @Benchmark
  public GroupRecord post() {
    return GroupState.apply(current, post);
  }
}
