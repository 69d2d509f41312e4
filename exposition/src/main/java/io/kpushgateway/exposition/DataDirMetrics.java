package io.kpushgateway.exposition;

import io.kpushgateway.core.space.FreeSpaceRule.FreeSpace;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The data directory's free space against its threshold, and whether pushes are refused and why,
 * among the gateway's own metrics. Read at scrape time from the watcher's last sample.
 */
public final class DataDirMetrics {

  private DataDirMetrics() {}

  /**
   * @param space the last sample, decided; null before the first
   */
  public static void register(Supplier<FreeSpace> space, PrometheusRegistry registry) {
    GaugeWithCallback.builder()
        .name("kpushgateway_data_dir_free_bytes")
        .help("Free bytes on the filesystem of --data.dir, for this process.")
        .callback(cb -> ifSampled(space, s -> cb.call((double) s.freeBytes())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("kpushgateway_data_dir_min_free_bytes")
        .help("Free bytes below which pushes are refused (--data.min-free-space).")
        .callback(cb -> ifSampled(space, s -> cb.call((double) s.minFreeBytes())))
        .register(registry);
  }

  /**
   * {@code kpushgateway_pushes_refused{reason}}: 1 while pushes are refused for that reason.
   *
   * @param reasons each reason's label value and whether it holds now
   */
  public static void registerRefusals(
      Map<String, BooleanSupplier> reasons, PrometheusRegistry registry) {
    GaugeWithCallback.builder()
        .name("kpushgateway_pushes_refused")
        .help("1 while this node refuses pushes (503) for the reason, else 0.")
        .labelNames("reason")
        .callback(cb -> reasons.forEach((r, holds) -> cb.call(holds.getAsBoolean() ? 1 : 0, r)))
        .register(registry);
  }

  private static void ifSampled(
      Supplier<FreeSpace> space, java.util.function.Consumer<FreeSpace> write) {
    FreeSpace s = space.get();
    if (s != null) {
      write.accept(s);
    }
  }
}
