package io.kpushgateway.core.model;

import io.prometheus.client.Metrics.MetricType;
import java.util.List;

/**
 * Which family names clash once written in the text format: a histogram {@code X} writes {@code
 * X_bucket}, {@code X_count} and {@code X_sum}, a summary {@code X_count} and {@code X_sum}, so a
 * family of such a name cannot sit next to them. The one statement of the rule, for the push check,
 * the cross-group check, the race detector and the merge of a page.
 */
public final class NameClash {

  private static final List<String> HISTOGRAM_SUFFIXES = List.of("_bucket", "_count", "_sum");
  private static final List<String> SUMMARY_SUFFIXES = List.of("_count", "_sum");

  private NameClash() {}

  /** Whether {@code type} is written as a histogram; a gauge histogram is, in the text format. */
  public static boolean isHistogram(MetricType type) {
    return type == MetricType.HISTOGRAM || type == MetricType.GAUGE_HISTOGRAM;
  }

  /** The suffixes a family of {@code type} claims for its samples, in name order; often none. */
  public static List<String> suffixes(MetricType type) {
    if (isHistogram(type)) {
      return HISTOGRAM_SUFFIXES;
    }
    return type == MetricType.SUMMARY ? SUMMARY_SUFFIXES : List.of();
  }

  /** "histogram" or "summary" (upstream's words in messages); null for a type without suffixes. */
  public static String kind(MetricType type) {
    if (isHistogram(type)) {
      return "histogram";
    }
    return type == MetricType.SUMMARY ? "summary" : null;
  }

  /** {@code name} without its {@code _bucket}, {@code _count} or {@code _sum} suffix, or null. */
  public static String base(String name) {
    for (String suffix : HISTOGRAM_SUFFIXES) {
      if (name.endsWith(suffix)) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return null;
  }

  /** Whether a family of {@code baseType} named {@link #base base(name)} claims {@code name}. */
  public static boolean claims(MetricType baseType, String name) {
    for (String suffix : suffixes(baseType)) {
      if (name.endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }
}
