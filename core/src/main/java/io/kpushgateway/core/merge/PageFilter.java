package io.kpushgateway.core.merge;

import io.kpushgateway.proto.GroupRecord;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;

/**
 * The part of a merged page a reader keeps ({@code /federate}'s selectors, or all of it), told to
 * {@link FamilyMerger#page} so that it parses only the families of groups that might hold kept
 * series. Before any series is parsed, the filter rates each family of the page by its name and
 * type, and each group by its grouping labels, as a mask of alternatives (e.g. bit {@code i % 64}
 * for the {@code i}th selector) that might keep a series there; a group's family is parsed only
 * when the two masks share a bit. That is sound because every series of a group carries the group's
 * grouping labels (the Pushgateway's rule, applied at ingest). {@link #kept} then filters the
 * merged families exactly.
 */
public interface PageFilter {

  /** Every bit: might keep anything. */
  long ANY = -1L;

  /** The whole page. */
  PageFilter ALL =
      new PageFilter() {
        @Override
        public long family(String name, MetricType type) {
          return ANY;
        }

        @Override
        public long group(GroupRecord header) {
          return ANY;
        }

        @Override
        public Iterable<MetricFamily> kept(Iterable<MetricFamily> page) {
          return page;
        }
      };

  /** The alternatives that might keep series of a family of this name and type; 0 for none. */
  long family(String name, MetricType type);

  /** The alternatives that might keep series of this group, judged by its grouping labels alone. */
  long group(GroupRecord header);

  /** The families to write, given the merged page in order; both iterated once, lazily. */
  Iterable<MetricFamily> kept(Iterable<MetricFamily> page);
}
