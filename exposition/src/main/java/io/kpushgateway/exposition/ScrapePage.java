package io.kpushgateway.exposition;

import io.javalin.http.Context;
import io.kpushgateway.core.format.EscapingScheme;
import io.kpushgateway.core.format.ExpositionFormats;
import io.kpushgateway.core.merge.FamilyMerger;
import io.kpushgateway.core.merge.FamilyMerger.Naming;
import io.kpushgateway.core.merge.PageFilter;
import io.kpushgateway.store.StoreUnavailableException;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The merged page that {@code /metrics} serves whole and {@code /federate} in part: the gateway's
 * own metrics and every stored group, merged by the Pushgateway's rules, in the format the scraper
 * negotiates (OpenMetrics only when enabled), written straight to the response; the HTTP layer
 * gzips it when the scraper accepts that.
 */
final class ScrapePage {

  private final SelfMetrics self;
  private final boolean openMetrics;

  ScrapePage(SelfMetrics self, boolean openMetrics) {
    this.self = self;
    this.openMetrics = openMetrics;
  }

  /**
   * Writes the page of {@code groups}, or the part of it {@code filter} keeps (told to the merge,
   * so that the families nothing would be kept of are not parsed). With {@code ?at=}, the pushed
   * groups as they were then, without the gateway's own metrics.
   *
   * @throws StoreUnavailableException before anything is written, when groups cannot be read
   */
  void write(Context ctx, GroupSource groups, PageFilter filter) throws IOException {
    String accept = ctx.header("Accept");
    ExpositionFormats.Format format = ExpositionFormats.negotiate(accept, openMetrics);
    EscapingScheme escaping = ExpositionFormats.negotiateEscaping(accept, openMetrics);
    Optional<Instant> at = AtQuery.at(ctx);
    // read whole before the first byte is written (so a store that cannot be read is a 503), merged
    // and parsed family by family while the page is written
    Iterable<MetricFamily> families =
        FamilyMerger.page(
            at.isPresent() ? List.of() : self.families(),
            at.isPresent() ? groups.pageAt(at.get()) : groups.page(),
            format.isOpenMetrics() ? Naming.OPENMETRICS : Naming.PROMETHEUS,
            filter);
    // like upstream 1.11, the answer names the escaping (protobuf output is never escaped);
    // upstream offers no OpenMetrics, whose Content-Type stays client_golang's
    ctx.contentType(
        format.isOpenMetrics()
            ? format.contentType()
            : format.contentType() + "; escaping=" + escaping.parameterValue());
    format.write(ctx.outputStream(), families, escaping);
  }
}
