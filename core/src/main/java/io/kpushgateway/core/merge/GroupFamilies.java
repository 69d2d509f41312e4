package io.kpushgateway.core.merge;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.StoredFamily;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * One stored group as a page is merged from it: its families' names and types first, each family's
 * series only when the page writes that family. Made from a {@code GroupRecord}'s bytes, it reads
 * the names and types without parsing any series and parses one family at a time, so a page holds
 * every group as compact bytes and only the family it is writing as objects, instead of every group
 * parsed at once. Made from a parsed record, it hands out that record's families.
 *
 * <p>Not thread-safe: the first call to anything but {@link #record()} scans the bytes once.
 */
public final class GroupFamilies {

  // GroupRecord, StoredFamily and MetricFamily field numbers read here (records.proto,
  // metrics.proto)
  private static final int GROUP_FAMILIES = GroupRecord.FAMILIES_FIELD_NUMBER;
  private static final int GROUP_PENDING = GroupRecord.PENDING_FIELD_NUMBER;
  private static final int STORED_FAMILY = StoredFamily.FAMILY_FIELD_NUMBER;
  private static final int FAMILY_NAME = MetricFamily.NAME_FIELD_NUMBER;
  private static final int FAMILY_TYPE = MetricFamily.TYPE_FIELD_NUMBER;
  private static final int FAMILY_METRIC = MetricFamily.METRIC_FIELD_NUMBER;

  private final byte[] bytes; // null when made from a record
  private GroupRecord record; // the whole record; from bytes only once asked for
  private boolean scanned;
  // everything but the families, as bytes: a parsed header per group was half of what a page of
  // small groups held besides their bytes
  private byte[] header;
  private boolean pending;
  private String[] names;
  private MetricType[] types;
  private int[] slices; // per family of the bytes: offset and length of its MetricFamily
  private boolean[] hasSeries;

  private GroupFamilies(byte[] bytes, GroupRecord record) {
    this.bytes = bytes;
    this.record = record;
  }

  /** A group from its {@code GroupRecord} bytes, which must not change afterwards. */
  public static GroupFamilies of(byte[] groupRecord) {
    return new GroupFamilies(groupRecord, null);
  }

  public static GroupFamilies of(GroupRecord record) {
    GroupFamilies group = new GroupFamilies(null, record);
    group.scanned = true; // no scan: the record answers
    return group;
  }

  /**
   * The grouping, push times, TTL and pending batch; the families only if the group was made from a
   * record. Parsed from the bytes at each call, so callers keep it.
   */
  public GroupRecord header() {
    if (fromRecord()) {
      return record;
    }
    try {
      return GroupRecord.parseFrom(header);
    } catch (InvalidProtocolBufferException e) {
      throw corrupt(e);
    }
  }

  /** Whether the group is one group of a batch not yet known to be applied whole. */
  public boolean hasPending() {
    return fromRecord() ? record.hasPending() : pending;
  }

  /** The whole record, parsed from the bytes at the first call. */
  public GroupRecord record() {
    if (record == null) {
      record = parse(bytes);
    }
    return record;
  }

  public int familyCount() {
    return fromRecord() ? record.getFamiliesCount() : names.length;
  }

  public String name(int family) {
    return fromRecord() ? storedFamily(family).getName() : names[family];
  }

  public MetricType type(int family) {
    return fromRecord() ? storedFamily(family).getType() : types[family];
  }

  public boolean hasSeries(int family) {
    return fromRecord() ? storedFamily(family).getMetricCount() > 0 : hasSeries[family];
  }

  /** The family with its series: parsed from the bytes at each call, so callers keep it. */
  public MetricFamily family(int family) {
    if (fromRecord() || record != null) {
      return storedFamily(family);
    }
    try {
      return MetricFamily.parseFrom(
          CodedInputStream.newInstance(bytes, slices[2 * family], slices[2 * family + 1]));
    } catch (IOException e) {
      throw corrupt(e);
    }
  }

  /**
   * Adds the series of {@code family} to {@code into}, parsed from the bytes at each call without
   * the family's name and HELP: what a merge needs of every family of a name but the first.
   */
  public void addSeries(int family, List<Metric> into) {
    if (fromRecord() || record != null) {
      into.addAll(storedFamily(family).getMetricList());
      return;
    }
    try {
      CodedInputStream in =
          CodedInputStream.newInstance(bytes, slices[2 * family], slices[2 * family + 1]);
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          return;
        }
        if (WireFormat.getTagFieldNumber(tag) == FAMILY_METRIC
            && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          into.add(in.readMessage(Metric.parser(), ExtensionRegistryLite.getEmptyRegistry()));
        } else {
          in.skipField(tag);
        }
      }
    } catch (IOException e) {
      throw corrupt(e);
    }
  }

  private MetricFamily storedFamily(int family) {
    return record.getFamilies(family).getFamily();
  }

  /** Whether the families are answered by the parsed record (scanning the bytes first). */
  private boolean fromRecord() {
    scan();
    return names == null;
  }

  /**
   * Reads the names, types and positions of the families, every other field into the header; or,
   * for a record that this does not read alone, parses it whole.
   */
  private void scan() {
    if (scanned) {
      return;
    }
    scanned = true;
    try {
      Scan scan = new Scan(bytes);
      header = scan.rest.toByteArray();
      pending = scan.pending;
      names = Arrays.copyOf(scan.names, scan.count);
      types = Arrays.copyOf(scan.types, scan.count);
      hasSeries = Arrays.copyOf(scan.hasSeries, scan.count);
      slices = Arrays.copyOf(scan.slices, 2 * scan.count);
    } catch (IrregularRecordException e) {
      // a family given in parts, as protobuf allows but no store writes: protobuf merges them
      record();
    } catch (IOException e) {
      scanned = false;
      throw corrupt(e);
    }
  }

  private static GroupRecord parse(byte[] bytes) {
    try {
      return GroupRecord.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw corrupt(e);
    }
  }

  private static IllegalStateException corrupt(IOException e) {
    return new IllegalStateException("a stored group's bytes are not a GroupRecord", e);
  }

  /** A shape {@link Scan} does not read alone: the record is parsed whole instead. */
  private static final class IrregularRecordException extends IOException {
    private static final long serialVersionUID = 1L;
  }

  /** One pass over a GroupRecord's top-level fields, descending into each family's header. */
  private static final class Scan {
    private final byte[] bytes;
    private final ByteArrayOutputStream rest = new ByteArrayOutputStream(64);
    boolean pending;
    String[] names = new String[8];
    MetricType[] types = new MetricType[8];
    boolean[] hasSeries = new boolean[8];
    int[] slices = new int[16];
    int count;

    Scan(byte[] bytes) throws IOException {
      this.bytes = bytes;
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      while (true) {
        int start = in.getTotalBytesRead();
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        if (WireFormat.getTagFieldNumber(tag) == GROUP_FAMILIES
            && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          int limit = in.pushLimit(in.readRawVarint32());
          storedFamily(in);
          in.popLimit(limit);
        } else {
          pending |= WireFormat.getTagFieldNumber(tag) == GROUP_PENDING;
          in.skipField(tag);
          rest.write(bytes, start, in.getTotalBytesRead() - start);
        }
      }
    }

    private void storedFamily(CodedInputStream in) throws IOException {
      boolean seen = false;
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        if (WireFormat.getTagFieldNumber(tag) == STORED_FAMILY
            && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          if (seen) {
            throw new IrregularRecordException();
          }
          seen = true;
          int length = in.readRawVarint32();
          int at = in.getTotalBytesRead();
          int limit = in.pushLimit(length);
          familyHeader(in, at, length);
          in.popLimit(limit);
        } else {
          in.skipField(tag);
        }
      }
      if (!seen) { // no family: an empty one, which the merge leaves out
        add("", MetricType.COUNTER, false, 0, 0);
      }
    }

    private void familyHeader(CodedInputStream in, int at, int length) throws IOException {
      String name = "";
      MetricType type = MetricType.COUNTER; // proto2: an unknown number reads as the default
      boolean series = false;
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        int field = WireFormat.getTagFieldNumber(tag);
        int wireType = WireFormat.getTagWireType(tag);
        if (field == FAMILY_NAME && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          int nameLength = in.readRawVarint32();
          int nameAt = in.getTotalBytesRead();
          in.skipRawBytes(nameLength); // checks the length against the bytes
          name = NameCache.decode(bytes, nameAt, nameLength);
        } else if (field == FAMILY_TYPE && wireType == WireFormat.WIRETYPE_VARINT) {
          MetricType known = MetricType.forNumber(in.readEnum());
          if (known != null) {
            type = known;
          }
        } else {
          series |= field == FAMILY_METRIC;
          in.skipField(tag);
        }
      }
      add(name, type, series, at, length);
    }

    private void add(String name, MetricType type, boolean series, int at, int length) {
      if (count == names.length) {
        names = Arrays.copyOf(names, count * 2);
        types = Arrays.copyOf(types, count * 2);
        hasSeries = Arrays.copyOf(hasSeries, count * 2);
        slices = Arrays.copyOf(slices, count * 4);
      }
      names[count] = name;
      types[count] = type;
      hasSeries[count] = series;
      slices[2 * count] = at;
      slices[2 * count + 1] = length;
      count++;
    }
  }
}
