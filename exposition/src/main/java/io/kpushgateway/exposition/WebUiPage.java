package io.kpushgateway.exposition;

import static org.owasp.encoder.Encode.forHtml;
import static org.owasp.encoder.Encode.forHtmlAttribute;

import io.kpushgateway.core.format.GoFloat;
import io.kpushgateway.core.model.GroupState;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.model.Utf8Order;
import io.kpushgateway.core.path.GroupingKeyPath;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.StoredFamily;
import io.prometheus.client.Metrics.Bucket;
import io.prometheus.client.Metrics.Histogram;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.Quantile;
import io.prometheus.client.Metrics.Summary;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The web UI's one page, rendered on the server from the stored groups: a Metrics tab with one
 * foldable panel per group and a Status tab. Every piece of pushed or configured text goes through
 * the OWASP encoder; the page's behaviour (tabs, delete buttons) is in {@code static/ui.js}, and
 * every URL in it is relative so that it works under a route prefix.
 */
final class WebUiPage {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_INSTANT;

  private final Writer out;

  /** The gateway's names: how a group's path is written for the links and the delete button. */
  private final NameValidationScheme names;

  private WebUiPage(Writer out, NameValidationScheme names) {
    this.out = out;
    this.names = names;
  }

  /**
   * What the Metrics tab shows.
   *
   * @param groups in the order given (grouping-key order from the store)
   * @param asOf the instant the groups are of, null for now
   * @param atInput the {@code at} parameter as sent, null when absent: the time picker shows it
   * @param error why the groups could not be shown (a bad {@code at}), null when they are
   */
  record View(List<GroupRecord> groups, Instant asOf, String atInput, String error) {
    /** The current groups. */
    static View now(List<GroupRecord> groups) {
      return new View(groups, null, null, null);
    }
  }

  /** The page for the current {@code groups}. */
  static void write(Writer out, List<GroupRecord> groups, StatusInfo status, boolean adminApi)
      throws IOException {
    write(out, View.now(groups), status, adminApi, NameValidationScheme.LEGACY);
  }

  static void write(
      Writer out, View view, StatusInfo status, boolean adminApi, NameValidationScheme names)
      throws IOException {
    new WebUiPage(out, names).page(view, status, adminApi);
  }

  private void page(View view, StatusInfo status, boolean adminApi) throws IOException {
    List<GroupRecord> groups = view.groups();
    boolean past = view.asOf() != null;
    out.write(
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="robots" content="noindex,nofollow">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>kpushgateway</title>
        <link rel="stylesheet" href="static/ui.css">
        <script src="static/ui.js" defer></script>
        </head>
        <body>
        <nav>
        <span class="brand">kpushgateway</span>
        <a href="#metrics" id="metrics-tab" class="tab active">Metrics</a>
        <a href="#status" id="status-tab" class="tab">Status</a>
        </nav>
        <main>
        """);
    // the message of a bad ?at=; ui.js writes its own failures here too
    if (view.error() != null) {
      out.write("<p id=\"error\" class=\"error\" role=\"alert\">");
      out.write(forHtml(view.error()) + "</p>\n");
    } else {
      out.write("<p id=\"error\" class=\"error\" role=\"alert\" hidden></p>\n");
    }
    out.write("<section id=\"metrics\">\n");
    timePicker(view);
    if (adminApi && !past) { // deleting from a past state would delete the current group
      // upstream offers the button only when the wipe endpoint exists
      out.write("<div class=\"toolbar\">");
      selectForm();
      out.write("<button type=\"button\" id=\"del-all\" class=\"danger\"");
      out.write(groups.isEmpty() ? " disabled>" : ">");
      out.write("Delete All <span id=\"del-all-counter\">" + groups.size() + "</span> Groups");
      out.write("</button></div>\n");
    }
    out.write("<p id=\"no-groups\"" + (groups.isEmpty() ? "" : " hidden") + ">No groups.</p>\n");
    int id = 0;
    for (GroupRecord group : groups) {
      group(group, ++id, past);
    }
    out.write("</section>\n");
    statusTab(status);
    out.write(
        """
        </main>
        <dialog id="confirm">
        <form method="dialog">
        <p id="confirm-msg"></p>
        <button type="submit" value="cancel" id="confirm-cancel">Cancel</button>
        <button type="submit" value="ok" id="confirm-ok" class="danger">Delete</button>
        </form>
        </dialog>
        </body>
        </html>
        """);
  }

  /**
   * Ours: a selector over grouping labels that shows only the groups it selects (asked of {@code
   * DELETE /api/v1/admin/groups?dry_run=true}, so the matching rule is the server's), and deletes
   * them after a confirmation. Only with the admin API, which that route belongs to.
   */
  private void selectForm() throws IOException {
    out.write("<form id=\"select-form\" class=\"select-form\">");
    out.write("<label for=\"select-match\">Select groups</label> ");
    out.write("<input type=\"text\" id=\"select-match\" size=\"34\"");
    out.write(" placeholder=\"" + forHtmlAttribute("{job=\"backup\",instance=~\"db.*\"}") + "\">");
    out.write(" <button type=\"submit\" id=\"select-show\">Select</button>");
    out.write(" <button type=\"button\" id=\"select-clear\" hidden>Show all</button>");
    out.write(" <button type=\"button\" id=\"del-selected\" class=\"danger\" hidden>");
    out.write("Delete <span id=\"del-selected-counter\">0</span> Selected Groups</button>");
    out.write("</form>\n");
  }

  /**
   * Ours: a GET form to this page with {@code ?at=}, and when a past state is shown, a banner that
   * says so with the way back to now. Relative URLs: {@code status} is this page under any prefix.
   */
  private void timePicker(View view) throws IOException {
    out.write("<form id=\"at-form\" class=\"at-form\" method=\"get\" action=\"status\">");
    out.write("<label for=\"at\">As of</label> <input type=\"text\" id=\"at\" name=\"at\"");
    out.write(" placeholder=\"2026-12-02T03:00:00Z or Unix seconds\" size=\"34\"");
    if (view.atInput() != null) {
      out.write(" value=\"" + forHtmlAttribute(view.atInput()) + "\"");
    }
    out.write("> <button type=\"submit\" id=\"at-show\">Show</button>");
    if (view.asOf() != null || view.error() != null) {
      out.write(" <a href=\"status\" id=\"at-now\">Back to now</a>");
    }
    out.write("</form>\n");
    if (view.asOf() != null) {
      String asOf = ApiV1Json.rfc3339(view.asOf());
      out.write("<p id=\"as-of\" class=\"as-of\">Past state: the groups as of <time datetime=\"");
      out.write(asOf + "\">" + asOf + "</time>, rebuilt from the push history.");
      out.write(" <a href=\"status\">Back to now</a></p>\n");
    }
  }

  private void group(GroupRecord group, int id, boolean past) throws IOException {
    List<LabelPair> grouping = jobFirst(group.getGroupingList());
    GroupingKey key = GroupingKey.fromLabelPairs(group.getGroupingList());
    long pushed = group.getPushTimeUnixNanos();
    long failed = group.getPushFailureTimeUnixNanos();

    out.write("<details class=\"group\" id=\"group-" + id + "\"");
    // the delete button's target, base64 throughout so that '/' and empty values survive
    out.write(" data-path=\"" + forHtml(GroupingKeyPath.encode(key, names)) + "\"");
    out.write(" data-labels=\"" + forHtml(braced(grouping)) + "\"");
    // the labels as the admin API lists a group, to find it in a selector delete's answer
    out.write(
        " data-grouping=\"" + forHtmlAttribute(ApiV1Json.labels(grouping)) + "\">\n<summary>");
    for (LabelPair label : grouping) {
      labelBadge(label);
    }
    if (failed > pushed) {
      // upstream's last_push_successful: a failure newer than the last success
      out.write("<span class=\"failed\" role=\"alert\">Last push failed!</span>");
    }
    out.write("<span class=\"times\">last push: " + time(pushed));
    out.write(" · last failure: " + time(failed));
    long deadline = GroupState.deadline(group);
    if (deadline != GroupState.NO_DEADLINE) {
      // ours: a TTL (--push.ttl, Pushgateway-TTL) removes the group then unless pushed again
      String at = ApiV1Json.rfc3339(ApiV1Json.nanosToInstant(deadline));
      out.write(" · <span class=\"expires\">expires: <time datetime=\"" + at + "\">");
      out.write(time(deadline) + "</time></span>");
    }
    out.write("</span>");
    // ours: the group's pushes, on a page of its own (read only when asked for)
    out.write("<a class=\"history-link\" href=\"history?" + WebUiRoutes.GROUP_PARAM + "=");
    out.write(forHtmlAttribute(urlEncode(GroupingKeyPath.encode(key, names))) + "\">History</a>");
    if (!past) {
      out.write("<button type=\"button\" class=\"delete-group danger\">Delete Group</button>");
    }
    out.write("</summary>\n");
    for (Map.Entry<String, Timed> family : families(group).entrySet()) {
      family(family.getValue());
    }
    out.write("</details>\n");
  }

  /** A family with the time it was last written. */
  private record Timed(MetricFamily family, long writtenAtNanos) {}

  /** Pushed and meta families by name, each stamped as in {@code /api/v1/metrics}. */
  private static SortedMap<String, Timed> families(GroupRecord group) {
    SortedMap<String, Timed> families = new TreeMap<>(Utf8Order.COMPARATOR);
    for (StoredFamily stored : group.getFamiliesList()) {
      families.put(
          stored.getFamily().getName(),
          new Timed(stored.getFamily(), stored.getWrittenAtUnixNanos()));
    }
    long pushed = group.getPushTimeUnixNanos();
    long failed = group.getPushFailureTimeUnixNanos();
    for (MetricFamily meta : GroupState.metaFamilies(group)) {
      long own = meta.getName().equals(GroupState.PUSH_TIME) ? pushed : failed;
      long other = own == pushed ? failed : pushed;
      families.put(meta.getName(), new Timed(meta, own != 0 ? own : other));
    }
    return families;
  }

  private void family(Timed timed) throws IOException {
    MetricFamily family = timed.family();
    out.write("<details class=\"family\">\n<summary><code class=\"name\">");
    out.write(forHtml(family.getName()));
    out.write("</code> <span class=\"type\">" + family.getType().name() + "</span>");
    if (!family.getHelp().isEmpty()) {
      out.write(" <span class=\"help\">" + forHtml(family.getHelp()) + "</span>");
    }
    out.write(" <span class=\"times\">last pushed: " + time(timed.writtenAtNanos()) + "</span>");
    out.write("</summary>\n<table>\n<thead><tr><th>Labels</th><th>Value</th></tr></thead>\n");
    out.write("<tbody>\n");
    for (Metric metric : family.getMetricList()) {
      out.write("<tr><td>");
      for (LabelPair label : metric.getLabelList()) {
        labelBadge(label);
      }
      out.write("</td><td class=\"value\">");
      value(family, metric);
      out.write("</td></tr>\n");
    }
    out.write("</tbody>\n</table>\n</details>\n");
  }

  private void value(MetricFamily family, Metric m) throws IOException {
    switch (family.getType()) {
      case SUMMARY -> {
        Summary s = m.getSummary();
        out.write("<table class=\"inner\">");
        for (Quantile q : s.getQuantileList()) {
          row("Quantile " + number(q.getQuantile()), number(q.getValue()));
        }
        row("Sample Count", Long.toUnsignedString(s.getSampleCount()));
        row("Sample Sum", number(s.getSampleSum()));
        out.write("</table>");
      }
      case HISTOGRAM, GAUGE_HISTOGRAM -> {
        // classic buckets; the buckets of a native histogram are not listed
        Histogram h = m.getHistogram();
        out.write("<table class=\"inner\">");
        for (Bucket b : h.getBucketList()) {
          row(
              "Sample values ≤ " + number(b.getUpperBound()),
              b.hasCumulativeCountFloat()
                  ? number(b.getCumulativeCountFloat())
                  : Long.toUnsignedString(b.getCumulativeCount()));
        }
        row(
            "Total Sample Count",
            h.hasSampleCountFloat()
                ? number(h.getSampleCountFloat())
                : Long.toUnsignedString(h.getSampleCount()));
        row("Sample Sum", number(h.getSampleSum()));
        out.write("</table>");
      }
      default -> out.write(number(plainValue(m)));
    }
  }

  private void row(String header, String value) throws IOException {
    out.write("<tr><th scope=\"row\">" + forHtml(header) + "</th><td>" + value + "</td></tr>");
  }

  private void statusTab(StatusInfo status) throws IOException {
    out.write("<section id=\"status\" hidden>\n<h2>Runtime Information</h2>\n");
    out.write("<table id=\"runtime\"><tbody><tr><th scope=\"row\">Started</th><td>");
    out.write(TIME.format(status.startTime().truncatedTo(ChronoUnit.MILLIS)));
    out.write("</td></tr></tbody></table>\n<h2>Build Information</h2>\n");
    keyValueTable("build-info", status.buildInformation());
    out.write("<h2>Startup Flags</h2>\n");
    keyValueTable("flags", status.flags());
    out.write("</section>\n");
  }

  private void keyValueTable(String id, Map<String, String> entries) throws IOException {
    out.write("<table id=\"" + id + "\"><tbody>\n");
    for (Map.Entry<String, String> e : new TreeMap<>(entries).entrySet()) {
      out.write("<tr><th scope=\"row\">" + forHtml(e.getKey()) + "</th>");
      out.write("<td>" + forHtml(e.getValue()) + "</td></tr>\n");
    }
    out.write("</tbody></table>\n");
  }

  private void labelBadge(LabelPair label) throws IOException {
    String kind =
        switch (label.getName()) {
          case GroupingKey.JOB -> "label job";
          case GroupingKey.INSTANCE -> "label instance";
          default -> "label";
        };
    out.write("<span class=\"" + kind + "\">" + forHtml(label.getName()) + "=\"");
    out.write(forHtml(label.getValue()) + "\"</span> ");
  }

  /** Grouping labels as upstream shows them: job first, then by name. */
  static List<LabelPair> jobFirst(List<LabelPair> grouping) {
    List<LabelPair> ordered = new ArrayList<>(grouping.size());
    grouping.stream().filter(p -> p.getName().equals(GroupingKey.JOB)).forEach(ordered::add);
    grouping.stream()
        .filter(p -> !p.getName().equals(GroupingKey.JOB))
        .sorted((a, b) -> Utf8Order.compare(a.getName(), b.getName()))
        .forEach(ordered::add);
    return ordered;
  }

  /** {@code {job="a", path="/x"}}: how the delete confirmation names a group (unescaped text). */
  private static String braced(List<LabelPair> labels) {
    StringBuilder sb = new StringBuilder("{");
    for (LabelPair p : labels) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(p.getName()).append("=\"").append(p.getValue()).append('"');
    }
    return sb.append('}').toString();
  }

  /** Upstream's getValue: whichever of gauge, counter, untyped is set, else 0. */
  private static double plainValue(Metric m) {
    if (m.hasGauge()) {
      return m.getGauge().getValue();
    }
    if (m.hasCounter()) {
      return m.getCounter().getValue();
    }
    if (m.hasUntyped()) {
      return m.getUntyped().getValue();
    }
    return 0;
  }

  /**
   * Without an exponent, as upstream's page shows values ({@code 1795439819.177741}, not {@code
   * 1.795439819177741e+09}), from the shortest digits that round-trip.
   */
  static String number(double v) {
    String shortest = GoFloat.format(v);
    if (Double.isNaN(v) || Double.isInfinite(v) || v == 0) { // NaN, +Inf, -Inf, 0, -0
      return shortest;
    }
    return new BigDecimal(shortest).toPlainString();
  }

  static String urlEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Seconds-precision UTC, or "never" for 0 (the stores' "not yet"). */
  private static String time(long unixNanos) {
    if (unixNanos == 0) {
      return "never";
    }
    return TIME.format(ApiV1Json.nanosToInstant(unixNanos).truncatedTo(ChronoUnit.SECONDS));
  }
}
