package io.kpushgateway.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kpushgateway.proto.GroupRecord;

/** The values of the groups store: {@code GroupRecord} protobuf bytes, parsed by its readers. */
public final class StoredGroups {

  private StoredGroups() {}

  /**
   * @throws IllegalStateException if {@code value} is not a GroupRecord (the store is corrupt or
   *     was written by something else)
   */
  public static GroupRecord parse(byte[] value) {
    try {
      return GroupRecord.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "the groups store holds a value that is not a GroupRecord", e);
    }
  }
}
