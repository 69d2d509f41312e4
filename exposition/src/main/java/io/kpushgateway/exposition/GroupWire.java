package io.kpushgateway.exposition;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.kpushgateway.store.StoredGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * How a store node hands its groups to a peer: each group as stored, a varint-length-prefixed
 * grouping key followed by the varint-length-prefixed {@code GroupRecord} bytes. Peers compare and
 * parse the bytes exactly as they do their own, so nothing is converted on the way.
 */
final class GroupWire {

  static final String CONTENT_TYPE = "application/x-kpushgateway-groups";

  private GroupWire() {}

  static void write(OutputStream out, List<StoredGroup> groups) throws IOException {
    CodedOutputStream coded = CodedOutputStream.newInstance(out, 64 * 1024);
    for (StoredGroup group : groups) {
      coded.writeByteArrayNoTag(group.key());
      coded.writeByteArrayNoTag(group.value());
    }
    coded.flush();
  }

  /**
   * @throws IOException when the bytes are not a sequence of key/value pairs (a truncated answer)
   */
  static List<StoredGroup> read(byte[] body) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(body);
    in.setSizeLimit(Integer.MAX_VALUE);
    List<StoredGroup> groups = new ArrayList<>();
    while (!in.isAtEnd()) {
      byte[] key = in.readByteArray();
      if (in.isAtEnd()) {
        throw new IOException("group answer truncated after a grouping key");
      }
      groups.add(new StoredGroup(key, in.readByteArray()));
    }
    return groups;
  }
}
