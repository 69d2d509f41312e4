package io.kpushgateway.ingest;

import io.kpushgateway.core.validate.PushLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * What one push may be: its body's size ({@code --push.max-body-size}, after decompression too),
 * what the body may hold ({@link PushLimits}), and the memory the pushes being decoded share
 * ({@link DecodeBudget}).
 */
public record IngestLimits(long maxBodyBytes, PushLimits push, DecodeBudget budget) {

  public IngestLimits {
    Objects.requireNonNull(push, "push");
    Objects.requireNonNull(budget, "budget");
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive");
    }
  }

  /** Only the body size limited: for tests of everything else. */
  public static IngestLimits ofBodySize(long maxBodyBytes) {
    return new IngestLimits(
        maxBodyBytes, PushLimits.NONE, new DecodeBudget(Long.MAX_VALUE, Duration.ZERO));
  }
}
