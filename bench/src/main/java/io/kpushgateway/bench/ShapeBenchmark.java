package io.kpushgateway.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kpushgateway.core.model.GroupShapes;
import io.kpushgateway.core.model.GroupState;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.GroupShape;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * What GroupProcessor does after applying a push: whether the group's shape changed, and the shape
 * it forwards to the catalog topic when it did. The group as the store read it before a PUT of the
 * same series, and as the PUT left it.
 */
public class ShapeBenchmark extends PushBenchmarkDefaults {

  private GroupRecord before;
  private GroupRecord after;
  private long receivedAt;

  @Setup
  public void setUp() throws InvalidProtocolBufferException {
    byte[] body = PushFixture.text(PushFixture.PUT_LOAD);
    receivedAt = PushFixture.RECEIVED_AT + 1;
    before =
        GroupRecord.parseFrom(
            PushFixture.group(PushFixture.KEY, body, PushFixture.RECEIVED_AT).toByteArray());
    PushRecord put =
        PushRecord.parseFrom(
            PushFixture.push(Method.PUT, PushFixture.KEY, body, receivedAt).toByteArray());
    after = GroupState.apply(before, put);
  }

  /** GroupShapes.of: every series hashed (SHA-256 of name and labels). */
  @Benchmark
  public GroupShape of() {
    return GroupShapes.of(after, receivedAt);
  }

  /** GroupShapes.sameFamilies: true here, so every family and label set is compared. */
  @Benchmark
  public boolean sameFamilies() {
    return GroupShapes.sameFamilies(before, after);
  }
}
