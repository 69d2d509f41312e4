package io.kpushgateway.exposition;

import java.time.Instant;
import java.util.Map;

/**
 * What {@code GET /api/v1/status} reports: build information (upstream's keys, with {@code
 * javaVersion} in place of {@code goVersion}), the flags as strings, and when the gateway started.
 */
public record StatusInfo(
    Map<String, String> buildInformation, Map<String, String> flags, Instant startTime) {

  public StatusInfo {
    buildInformation = Map.copyOf(buildInformation);
    flags = Map.copyOf(flags);
  }
}
