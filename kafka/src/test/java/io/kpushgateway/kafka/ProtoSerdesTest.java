package io.kpushgateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.PushRecord;
import io.kpushgateway.proto.StoredFamily;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class ProtoSerdesTest {

  private static final String TOPIC = "t";

  @Test
  void a_push_record_survives_the_round_trip() {
    PushRecord push = TestPushes.push("backup", 3);
    assertThat(roundTrip(ProtoSerdes.pushRecord(), push)).isEqualTo(push);
  }

  @Test
  void a_group_record_survives_the_round_trip() {
    PushRecord push = TestPushes.push("backup", 2);
    GroupRecord group =
        GroupRecord.newBuilder()
            .addAllGrouping(push.getGroupingList())
            .addFamilies(
                StoredFamily.newBuilder().setFamily(push.getFamilies(0)).setWrittenAtUnixNanos(42))
            .setPushTimeUnixNanos(42)
            .build();
    assertThat(roundTrip(ProtoSerdes.groupRecord(), group)).isEqualTo(group);
  }

  @Test
  void null_is_a_tombstone_both_ways() {
    assertThat(ProtoSerdes.groupRecord().serializer().serialize(TOPIC, null)).isNull();
    assertThat(ProtoSerdes.groupRecord().deserializer().deserialize(TOPIC, null)).isNull();
    assertThat(ProtoSerdes.pushRecord().serializer().serialize(TOPIC, null)).isNull();
    assertThat(ProtoSerdes.pushRecord().deserializer().deserialize(TOPIC, null)).isNull();
  }

  @Test
  void an_empty_record_is_not_a_tombstone() {
    byte[] bytes =
        ProtoSerdes.groupRecord().serializer().serialize(TOPIC, GroupRecord.getDefaultInstance());
    assertThat(bytes).isEmpty();
    assertThat(ProtoSerdes.groupRecord().deserializer().deserialize(TOPIC, bytes))
        .isEqualTo(GroupRecord.getDefaultInstance());
  }

  @Test
  void garbage_is_a_serialization_error_naming_the_type_and_topic() {
    assertThatThrownBy(
            () ->
                ProtoSerdes.pushRecord()
                    .deserializer()
                    .deserialize("pushes", new byte[] {(byte) 0xFF, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessage("not a PushRecord in topic pushes");
  }

  @Test
  void grouping_keys_pass_through_as_bytes() {
    byte[] key = TestPushes.key("job", "instance", "a");
    assertThat(roundTrip(ProtoSerdes.groupingKey(), key)).isEqualTo(key);
  }

  private static <T> T roundTrip(Serde<T> serde, T value) {
    return serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, value));
  }
}
