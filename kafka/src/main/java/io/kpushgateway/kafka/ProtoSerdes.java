package io.kpushgateway.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.GroupShape;
import io.kpushgateway.proto.PushRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serdes of the gateway's records. Values are plain protobuf bytes, null for a tombstone; keys are
 * the canonical grouping key bytes, passed through untouched.
 */
public final class ProtoSerdes {

  private static final Serde<PushRecord> PUSH_RECORD = protobuf(PushRecord.parser(), "PushRecord");
  private static final Serde<GroupRecord> GROUP_RECORD =
      protobuf(GroupRecord.parser(), "GroupRecord");

  private static final Serde<GroupShape> GROUP_SHAPE = protobuf(GroupShape.parser(), "GroupShape");

  private ProtoSerdes() {}

  public static Serde<GroupShape> groupShape() {
    return GROUP_SHAPE;
  }

  public static Serde<PushRecord> pushRecord() {
    return PUSH_RECORD;
  }

  public static Serde<GroupRecord> groupRecord() {
    return GROUP_RECORD;
  }

  /** The grouping key as its canonical bytes (the record key of pushes and groups). */
  public static Serde<byte[]> groupingKey() {
    return Serdes.ByteArray();
  }

  private static <T extends MessageLite> Serde<T> protobuf(Parser<T> parser, String type) {
    Serializer<T> serializer = (topic, value) -> value == null ? null : value.toByteArray();
    Deserializer<T> deserializer =
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          try {
            return parser.parseFrom(bytes);
          } catch (InvalidProtocolBufferException e) {
            throw new SerializationException("not a " + type + " in topic " + topic, e);
          }
        };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
