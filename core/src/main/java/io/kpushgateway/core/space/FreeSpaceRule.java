package io.kpushgateway.core.space;

import java.util.Objects;

/**
 * Whether a node takes pushes, from the free space of its data directory: refusing below the
 * threshold, taking pushes again once free space is {@value #RESUME_MARGIN_PERCENT}% above it, so a
 * directory hovering at the threshold does not flap between the two. Pure: the sampling is the
 * caller's.
 *
 * @param directory the data directory, as the refusal names it
 * @param threshold the free space it must keep
 * @param setting the flag that sets the threshold, as the refusal names it
 */
public record FreeSpaceRule(String directory, FreeSpaceThreshold threshold, String setting) {

  static final int RESUME_MARGIN_PERCENT = 10;

  public FreeSpaceRule {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(threshold, "threshold");
    Objects.requireNonNull(setting, "setting");
  }

  /**
   * @param freeBytes what the filesystem has free for this process
   * @param totalBytes the filesystem's size
   * @param refusing whether pushes were refused after the previous sample
   */
  public FreeSpace decide(long freeBytes, long totalBytes, boolean refusing) {
    long min = threshold.bytesOf(totalBytes);
    long resumeAt = min + min / 100 * RESUME_MARGIN_PERCENT;
    boolean refuse = refusing ? freeBytes < resumeAt : freeBytes < min;
    String reason =
        refuse
            ? String.format(
                "pushes refused: the data directory %s has %s free of %s, less than %s=%s%s;"
                    + " free space there or lower the threshold",
                directory,
                Bytes.format(freeBytes),
                Bytes.format(totalBytes),
                setting,
                threshold,
                threshold.percent() == 0 ? "" : " (" + Bytes.format(min) + ")")
            : null;
    return new FreeSpace(freeBytes, totalBytes, min, reason);
  }

  /**
   * One sample, decided.
   *
   * @param minFreeBytes the threshold on this filesystem
   * @param refusal why pushes are refused, in words for a 503; null while they are taken
   */
  public record FreeSpace(long freeBytes, long totalBytes, long minFreeBytes, String refusal) {

    public boolean refusing() {
      return refusal != null;
    }
  }
}
