package io.kpushgateway.core.space;

/**
 * How much free space a data directory must keep for the node to take pushes: at least {@code
 * bytes}, and at least {@code percent} of its filesystem's size (either may be 0).
 */
public record FreeSpaceThreshold(long bytes, int percent) {

  /** Largest records the default keeps room for; see {@link #defaultFor}. */
  public static final int DEFAULT_RECORDS = 2;

  /** Share of the filesystem the default keeps free; see {@link #defaultFor}. */
  public static final int DEFAULT_PERCENT = 5;

  /** Never refuses. */
  public static final FreeSpaceThreshold NONE = new FreeSpaceThreshold(0, 0);

  public FreeSpaceThreshold {
    if (bytes < 0) {
      throw new IllegalArgumentException("free space must not be negative: " + bytes);
    }
    if (percent < 0 || percent > 99) {
      throw new IllegalArgumentException("free space share must be 0 to 99%: " + percent);
    }
  }

  public static FreeSpaceThreshold ofBytes(long bytes) {
    return new FreeSpaceThreshold(bytes, 0);
  }

  public static FreeSpaceThreshold ofPercent(int percent) {
    return new FreeSpaceThreshold(0, percent);
  }

  /**
   * The default for records of up to {@code maxRecordBytes}: room for two of them, or 5% of the
   * filesystem, whichever is more. Two, because the push accepted just before the sample that says
   * "full" is still written twice: to the push log, then as its group to the store's changelog and
   * RocksDB. The share covers what grows with the data rather than with one push: the log cleaner's
   * and RocksDB's compaction copies, and Kafka's index files where the filesystem does not keep
   * them sparse (Elasticsearch stops writes at 95% for the same reasons).
   */
  public static FreeSpaceThreshold defaultFor(long maxRecordBytes) {
    return new FreeSpaceThreshold(DEFAULT_RECORDS * maxRecordBytes, DEFAULT_PERCENT);
  }

  /** The free bytes required on a filesystem of {@code totalBytes}. */
  public long bytesOf(long totalBytes) {
    return Math.max(bytes, (long) Math.ceil(totalBytes / 100.0 * percent));
  }

  /** As the flag is written: {@code 512MiB}, {@code 5%}, or {@code max(130MiB, 5%)}. */
  @Override
  public String toString() {
    if (percent == 0) {
      return Bytes.format(bytes);
    }
    return bytes == 0 ? percent + "%" : "max(" + Bytes.format(bytes) + ", " + percent + "%)";
  }
}
