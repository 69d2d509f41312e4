package io.kpushgateway.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kpushgateway.store.PartitionRead;
import io.kpushgateway.store.StoredGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class GroupWireTest {

  @Test
  void groupsCrossTheWireByteForByte() throws IOException {
    byte[] big = new byte[300_000];
    Arrays.fill(big, (byte) 7);
    List<StoredGroup> groups =
        List.of(
            new StoredGroup(new byte[] {'j', (byte) 0xff, 'a'}, new byte[] {1, 2, 3}),
            new StoredGroup(new byte[] {'k'}, new byte[0]),
            new StoredGroup(new byte[] {'l'}, big));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GroupWire.write(out, read(groups, Map.of("b1", 2, "b2", 1)));
    PartitionRead answer = GroupWire.read(out.toByteArray());
    List<StoredGroup> read = answer.groups();
    assertThat(read).hasSize(3);
    for (int i = 0; i < groups.size(); i++) {
      assertThat(read.get(i).key()).isEqualTo(groups.get(i).key());
      assertThat(read.get(i).value()).isEqualTo(groups.get(i).value());
    }
    assertThat(answer.batchesApplied())
        .containsExactlyInAnyOrderEntriesOf(Map.of("b1", 2, "b2", 1));
    ByteArrayOutputStream none = new ByteArrayOutputStream();
    GroupWire.write(none, read(List.of(), Map.of()));
    assertThat(GroupWire.read(none.toByteArray()).groups()).isEmpty();
  }

  private static PartitionRead read(List<StoredGroup> groups, Map<String, Integer> batches) {
    return new PartitionRead(groups, new TreeMap<>(), new TreeMap<>(), batches);
  }

  @Test
  void aTruncatedAnswerIsAnErrorNotFewerGroups() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GroupWire.write(
        out, read(List.of(new StoredGroup(new byte[] {'k'}, new byte[] {1, 2})), Map.of("b", 3)));
    byte[] whole = out.toByteArray();
    for (int cut = 0; cut < whole.length; cut++) {
      byte[] part = Arrays.copyOf(whole, cut);
      assertThatThrownBy(() -> GroupWire.read(part)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void unavailablePartitionsAreNamedWithTheirReasons() {
    SortedMap<Integer, String> unavailable = new TreeMap<>();
    unavailable.put(3, "h:2 did not answer");
    unavailable.put(1, "no store node serves it right now");
    assertThat(ClusterGroupReader.describe(unavailable, 4))
        .isEqualTo(
            "partitions 1, 3 of 4 unavailable: 1: no store node serves it right now;"
                + " 3: h:2 did not answer");
    assertThat(ClusterGroupReader.describe(new TreeMap<>(unavailable.headMap(2)), 4))
        .startsWith("partition 1 of 4 unavailable");
  }
}
