package io.kpushgateway.exposition;

import static org.owasp.encoder.Encode.forHtml;
import static org.owasp.encoder.Encode.forHtmlAttribute;

import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.path.GroupingKeyPath;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.proto.HistoryEntry;
import io.kpushgateway.proto.Outcome;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Ours: one group's pushes, newest first, as {@code /api/v1/history} reads them (the newest {@value
 * WebUiRoutes#TIMELINE_PUSHES}, the JSON API for more), and a small chart of one series' value
 * across them: inline SVG drawn here, no script. Pushed text goes through the OWASP encoder.
 */
final class WebUiHistoryPage {

  /** The chart's drawing area and the margin around it for the labels, in SVG units. */
  private static final int WIDTH = 640;

  private static final int HEIGHT = 160;
  private static final int LEFT = 90;
  private static final int TOP = 12;
  private static final int BOTTOM = 28;

  private final Writer out;

  private WebUiHistoryPage(Writer out) {
    this.out = out;
  }

  /**
   * @param entries newest first
   * @param nextPageToken the API's token for the pushes before these, null when there are none
   * @param series the chosen series' id ({@link Series#id()}), null for the first one
   */
  static void write(
      Writer out,
      GroupingKey key,
      NameValidationScheme names,
      List<HistoryEntry> entries,
      String nextPageToken,
      String series)
      throws IOException {
    WebUiHistoryPage page = new WebUiHistoryPage(out);
    page.head();
    page.body(key, names, entries, nextPageToken, series);
    page.tail();
  }

  /** The page with only {@code message}: a bad {@code group} parameter. */
  static void writeError(Writer out, String message) throws IOException {
    WebUiHistoryPage page = new WebUiHistoryPage(out);
    page.head();
    out.write("<p id=\"error\" class=\"error\" role=\"alert\">" + forHtml(message) + "</p>\n");
    page.tail();
  }

  private void head() throws IOException {
    out.write(
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="robots" content="noindex,nofollow">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>kpushgateway - push history</title>
        <link rel="stylesheet" href="static/ui.css">
        </head>
        <body>
        <nav>
        <span class="brand">kpushgateway</span>
        <a href="status#metrics" class="tab">Metrics</a>
        <a href="status#status" class="tab">Status</a>
        </nav>
        <main>
        """);
  }

  private void tail() throws IOException {
    out.write("</main>\n</body>\n</html>\n");
  }

  private void body(
      GroupingKey key,
      NameValidationScheme names,
      List<HistoryEntry> entries,
      String next,
      String chosen)
      throws IOException {
    String path = GroupingKeyPath.encode(key, names);
    out.write("<h2 id=\"group\">Push history of ");
    for (Map.Entry<String, String> label : jobFirst(key)) {
      out.write("<span class=\"label\">" + forHtml(label.getKey()) + "=\"");
      out.write(forHtml(label.getValue()) + "\"</span> ");
    }
    out.write("</h2>\n<p class=\"times\">The newest " + WebUiRoutes.TIMELINE_PUSHES);
    out.write(" pushes at most, newest first. All of them, as JSON: <a id=\"api-link\" href=\"");
    out.write(forHtmlAttribute("api/v1/history/" + path) + "\">api/v1/history</a>");
    if (next != null) {
      out.write(" (<a id=\"older\" href=\"");
      out.write(forHtmlAttribute("api/v1/history/" + path + "?page_token=" + next));
      out.write("\">older pushes</a>)");
    }
    out.write(".</p>\n");
    if (entries.isEmpty()) {
      out.write("<p id=\"no-pushes\">No pushes retained for this group.</p>\n");
      return;
    }
    chart(path, entries, chosen);
    timeline(entries);
  }

  private void timeline(List<HistoryEntry> entries) throws IOException {
    out.write("<h3>Pushes</h3>\n<table id=\"timeline\">\n<thead><tr><th>Time</th><th>Method</th>");
    out.write("<th>Outcome</th><th>Ingest node</th><th>Body bytes</th><th>Families</th>");
    out.write("<th>Removed</th></tr></thead>\n<tbody>\n");
    for (HistoryEntry e : entries) {
      String time = ApiV1Json.rfc3339(ApiV1Json.nanosToInstant(e.getReceivedAtUnixNanos()));
      String outcome = outcome(e.getOutcome());
      out.write("<tr class=\"push " + outcome + "\"><td class=\"time\">");
      // the whole page as it was right after this push
      out.write("<a href=\"" + forHtmlAttribute("status?at=" + WebUiPage.urlEncode(time)) + "\">");
      out.write("<time datetime=\"" + time + "\">" + time + "</time></a></td>");
      out.write("<td class=\"method\">" + e.getMethod().name() + "</td>");
      out.write("<td class=\"outcome\"><span class=\"outcome " + outcome + "\">" + outcome);
      out.write("</span>");
      if (!e.getReason().isEmpty()) {
        out.write(" <span class=\"reason\">" + forHtml(e.getReason()) + "</span>");
      }
      out.write("</td><td class=\"ingest-node\">" + forHtml(e.getIngestNode()) + "</td>");
      out.write("<td class=\"body-bytes\">" + e.getBodyBytes() + "</td><td class=\"families\">");
      List<String> names = new ArrayList<>();
      e.getFamiliesList().forEach(f -> names.add(f.getName()));
      out.write(forHtml(String.join(", ", names)));
      out.write("</td><td class=\"removed\">" + forHtml(String.join(", ", e.getRemovedList())));
      out.write("</td></tr>\n");
    }
    out.write("</tbody>\n</table>\n");
  }

  /** The chart of one series, with a form to choose another. */
  private void chart(String path, List<HistoryEntry> entries, String chosen) throws IOException {
    SortedSet<Series> all = new TreeSet<>();
    for (HistoryEntry e : entries) {
      if (e.getOutcome() == Outcome.OUTCOME_APPLIED) {
        for (MetricFamily f : e.getFamiliesList()) {
          for (Metric m : f.getMetricList()) {
            Series.of(f, m).ifPresent(all::add);
          }
        }
      }
    }
    if (all.isEmpty()) {
      return; // nothing with a plain value was pushed: no chart
    }
    Series series = all.first();
    for (Series s : all) {
      if (s.id().equals(chosen)) {
        series = s;
      }
    }
    out.write("<h3>Value across the pushes</h3>\n");
    out.write("<form id=\"series-form\" method=\"get\" action=\"history\">");
    out.write("<input type=\"hidden\" name=\"" + WebUiRoutes.GROUP_PARAM + "\" value=\"");
    out.write(forHtmlAttribute(path) + "\"><label for=\"series\">Series</label> ");
    out.write("<select id=\"series\" name=\"" + WebUiRoutes.SERIES_PARAM + "\">");
    for (Series s : all) {
      out.write("<option value=\"" + forHtmlAttribute(s.id()) + "\"");
      out.write(s.equals(series) ? " selected>" : ">");
      out.write(forHtml(s.id()) + "</option>");
    }
    out.write("</select> <button type=\"submit\">Show</button></form>\n");
    svg(series, points(series, entries));
  }

  /** A point per applied push that carries the series, oldest first. */
  private static List<Point> points(Series series, List<HistoryEntry> entries) {
    List<Point> points = new ArrayList<>();
    for (int i = entries.size() - 1; i >= 0; i--) {
      HistoryEntry e = entries.get(i);
      if (e.getOutcome() != Outcome.OUTCOME_APPLIED) {
        continue; // a rejected push did not change the value
      }
      for (MetricFamily f : e.getFamiliesList()) {
        for (Metric m : f.getMetricList()) {
          if (Series.of(f, m).filter(series::equals).isPresent()) {
            points.add(new Point(e.getReceivedAtUnixNanos(), Series.value(m)));
          }
        }
      }
    }
    return points;
  }

  private record Point(long unixNanos, double value) {}

  private void svg(Series series, List<Point> points) throws IOException {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Point p : points) {
      if (Double.isFinite(p.value())) {
        min = Math.min(min, p.value());
        max = Math.max(max, p.value());
      }
    }
    long first = points.get(0).unixNanos();
    long last = points.get(points.size() - 1).unixNanos();
    int plotWidth = WIDTH - LEFT - 10;
    int plotHeight = HEIGHT - TOP - BOTTOM;
    out.write("<svg id=\"chart\" class=\"chart\" role=\"img\" width=\"" + WIDTH + "\" height=\"");
    out.write(HEIGHT + "\" viewBox=\"0 0 " + WIDTH + " " + HEIGHT + "\" data-series=\"");
    out.write(forHtmlAttribute(series.id()) + "\" data-points=\"" + points.size() + "\">");
    out.write("<title>" + forHtml(series.id()) + "</title>");
    out.write(
        line(LEFT, TOP, LEFT, TOP + plotHeight)
            + line(LEFT, TOP + plotHeight, WIDTH - 10, TOP + plotHeight));
    StringBuilder polyline = new StringBuilder();
    StringBuilder circles = new StringBuilder();
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      double x =
          last == first
              ? LEFT + plotWidth / 2.0
              : LEFT + plotWidth * ((double) (p.unixNanos() - first) / (last - first));
      double v = Double.isFinite(p.value()) ? p.value() : min; // NaN and ±Inf on the floor
      double y =
          max == min || !Double.isFinite(min)
              ? TOP + plotHeight / 2.0
              : TOP + plotHeight * (1 - (v - min) / (max - min));
      String xy = coordinate(x) + "," + coordinate(y);
      polyline.append(i == 0 ? "" : " ").append(xy);
      String time = ApiV1Json.rfc3339(ApiV1Json.nanosToInstant(p.unixNanos()));
      circles.append("<circle class=\"point\" cx=\"").append(coordinate(x));
      circles.append("\" cy=\"").append(coordinate(y)).append("\" r=\"3\"><title>");
      circles.append(time).append(": ").append(WebUiPage.number(p.value()));
      circles.append("</title></circle>");
    }
    out.write("<polyline class=\"series\" fill=\"none\" points=\"" + polyline + "\"/>");
    out.write(circles.toString());
    String maxLabel = Double.isFinite(max) ? WebUiPage.number(max) : "-";
    String minLabel = Double.isFinite(min) ? WebUiPage.number(min) : "-";
    out.write(text("max", LEFT - 6, TOP + 10, "end", "max " + maxLabel));
    out.write(text("min", LEFT - 6, TOP + plotHeight, "end", "min " + minLabel));
    out.write(text("first", LEFT, HEIGHT - 8, "start", time(first)));
    if (last != first) {
      out.write(text("last", WIDTH - 10, HEIGHT - 8, "end", time(last)));
    }
    out.write("</svg>\n");
  }

  private static String line(int x1, int y1, int x2, int y2) {
    return "<line class=\"axis\" x1=\""
        + x1
        + "\" y1=\""
        + y1
        + "\" x2=\""
        + x2
        + "\" y2=\""
        + y2
        + "\"/>";
  }

  private static String text(String id, int x, int y, String anchor, String text) {
    return "<text id=\"chart-"
        + id
        + "\" x=\""
        + x
        + "\" y=\""
        + y
        + "\" text-anchor=\""
        + anchor
        + "\">"
        + forHtml(text)
        + "</text>";
  }

  private static String time(long unixNanos) {
    return ApiV1Json.rfc3339(ApiV1Json.nanosToInstant(unixNanos));
  }

  private static String coordinate(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String outcome(Outcome outcome) {
    return switch (outcome) {
      case OUTCOME_APPLIED -> "applied";
      case OUTCOME_REJECTED -> "rejected";
      case OUTCOME_WITHDRAWN -> "withdrawn";
      case OUTCOME_EXPIRED -> "expired";
      case OUTCOME_UNSPECIFIED, UNRECOGNIZED -> "unknown";
    };
  }

  /** Grouping labels job first, then by name (the key's own order). */
  private static List<Map.Entry<String, String>> jobFirst(GroupingKey key) {
    List<Map.Entry<String, String>> labels = new ArrayList<>();
    labels.add(Map.entry(GroupingKey.JOB, key.job()));
    key.labels()
        .forEach(
            (name, value) -> {
              if (!name.equals(GroupingKey.JOB)) {
                labels.add(Map.entry(name, value));
              }
            });
    return labels;
  }

  /**
   * A series with a plain value (gauge, counter, untyped), named as the text format writes it:
   * {@code name{a="1",b="2"}}, labels by name so that every push names it alike.
   */
  record Series(String id) implements Comparable<Series> {

    static Optional<Series> of(MetricFamily family, Metric metric) {
      switch (family.getType()) {
        case GAUGE, COUNTER, UNTYPED -> {}
        default -> {
          return Optional.empty();
        }
      }
      StringBuilder sb = new StringBuilder(family.getName());
      List<LabelPair> labels = new ArrayList<>(metric.getLabelList());
      labels.sort(Comparator.comparing(LabelPair::getName));
      if (!labels.isEmpty()) {
        sb.append('{');
        for (int i = 0; i < labels.size(); i++) {
          LabelPair l = labels.get(i);
          sb.append(i == 0 ? "" : ",").append(l.getName()).append("=\"");
          sb.append(l.getValue()).append('"');
        }
        sb.append('}');
      }
      return Optional.of(new Series(sb.toString()));
    }

    static double value(Metric m) {
      if (m.hasGauge()) {
        return m.getGauge().getValue();
      }
      if (m.hasCounter()) {
        return m.getCounter().getValue();
      }
      return m.getUntyped().getValue();
    }

    @Override
    public int compareTo(Series o) {
      return id.compareTo(o.id);
    }
  }
}
