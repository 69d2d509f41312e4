package io.kpushgateway.exposition;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.kpushgateway.proto.BatchProgress;
import io.kpushgateway.store.PartitionRead;
import io.kpushgateway.store.StoredGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a store node hands its groups to a peer: each group as stored, a varint-length-prefixed
 * grouping key followed by the varint-length-prefixed {@code GroupRecord} bytes. Peers compare and
 * parse the bytes exactly as they do their own, so nothing is converted on the way. The counts of
 * recent batch pushes follow as pairs with an empty key (no grouping key is empty: job is in every
 * one) and a {@code BatchProgress}; a pair of two empty values ends the answer, so a cut one is
 * told from a short one.
 */
final class GroupWire {

  static final String CONTENT_TYPE = "application/x-kpushgateway-groups";

  private static final byte[] BATCH = new byte[0];

  private GroupWire() {}

  static void write(OutputStream out, PartitionRead read) throws IOException {
    CodedOutputStream coded = CodedOutputStream.newInstance(out, 64 * 1024);
    for (StoredGroup group : read.groups()) {
      coded.writeByteArrayNoTag(group.key());
      coded.writeByteArrayNoTag(group.value());
    }
    for (Map.Entry<String, Integer> batch : read.batchesApplied().entrySet()) {
      coded.writeByteArrayNoTag(BATCH);
      coded.writeByteArrayNoTag(
          BatchProgress.newBuilder()
              .setBatchId(batch.getKey())
              .setApplied(batch.getValue())
              .build()
              .toByteArray());
    }
    coded.writeByteArrayNoTag(BATCH); // the end: an empty key with an empty value
    coded.writeByteArrayNoTag(BATCH);
    coded.flush();
  }

  /**
   * The groups and batch counts of an answer (no partition named unavailable).
   *
   * @throws IOException when the bytes are not a sequence of key/value pairs (a truncated answer)
   */
  static PartitionRead read(byte[] body) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(body);
    in.setSizeLimit(Integer.MAX_VALUE);
    List<StoredGroup> groups = new ArrayList<>();
    Map<String, Integer> batches = new HashMap<>();
    while (true) {
      if (in.isAtEnd()) {
        throw new IOException("group answer truncated: it does not end with its end mark");
      }
      byte[] key = in.readByteArray();
      if (in.isAtEnd()) {
        throw new IOException("group answer truncated after a grouping key");
      }
      byte[] value = in.readByteArray();
      if (key.length > 0) {
        groups.add(new StoredGroup(key, value));
      } else if (value.length > 0) {
        BatchProgress batch = BatchProgress.parseFrom(value);
        batches.merge(batch.getBatchId(), batch.getApplied(), Integer::sum);
      } else if (in.isAtEnd()) {
        break;
      } else {
        throw new IOException("group answer goes on after its end mark");
      }
    }
    return new PartitionRead(
        groups, Collections.emptySortedMap(), Collections.emptySortedMap(), batches);
  }
}
