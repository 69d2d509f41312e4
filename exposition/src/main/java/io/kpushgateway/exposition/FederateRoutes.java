package io.kpushgateway.exposition;

import io.javalin.http.Context;
import io.kpushgateway.core.format.GoSyntax;
import io.kpushgateway.core.select.SelectorSyntaxException;
import io.kpushgateway.core.select.SeriesFilter;
import io.kpushgateway.core.select.SeriesSelector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /federate?match[]=<selector>}: the series of the {@link ScrapePage} that any of the
 * (repeatable) {@code match[]} selectors match, in every format {@code /metrics} offers, for a
 * Prometheus that federates only part of the gateway. As Prometheus' own {@code /federate}: a
 * selector that does not parse is a 400 before any store is read, and no {@code match[]} at all is
 * an empty page, not an error.
 */
public final class FederateRoutes {

  static final String MATCH_PARAM = "match[]";

  private final GroupSource groups;
  private final ScrapePage page;

  /**
   * @param openMetrics whether to answer OpenMetrics to scrapers that ask for it
   */
  public FederateRoutes(GroupSource groups, SelfMetrics self, boolean openMetrics) {
    this.groups = groups;
    this.page = new ScrapePage(self, openMetrics);
  }

  /** A selector that does not parse fails before any store is read. */
  public void federate(Context ctx) throws IOException {
    List<SeriesSelector> selectors = selectors(ctx);
    page.write(ctx, groups, SeriesFilter.filter(selectors));
  }

  /**
   * The request's {@code match[]} selectors, read as Prometheus reads them.
   *
   * @throws BadQueryException naming a selector that does not parse, or a malformed query
   */
  static List<SeriesSelector> selectors(Context ctx) {
    List<String> texts;
    try {
      texts = queryValues(ctx.queryString(), MATCH_PARAM);
    } catch (IllegalArgumentException e) {
      throw new BadQueryException("error parsing form values: " + e.getMessage());
    }
    List<SeriesSelector> selectors = new ArrayList<>();
    for (String text : texts) {
      try {
        selectors.add(SeriesSelector.parse(text));
      } catch (SelectorSyntaxException e) {
        // naming the selector, which may be one of several
        throw new BadQueryException(
            "bad " + MATCH_PARAM + " " + GoSyntax.quote(text) + ": " + e.getMessage());
      }
    }
    return selectors;
  }

  /**
   * The values of {@code key} in a raw query, read as Go's {@code url.ParseQuery} reads it (the
   * servlet API would drop a malformed pair without a word, and the selector with it): pairs split
   * at {@code &}, name and value at the first {@code =}, {@code +} is a space, and a {@code %}
   * without two hex digits or a {@code ;} is an error.
   *
   * @throws IllegalArgumentException with Go's wording
   */
  static List<String> queryValues(String rawQuery, String key) {
    List<String> values = new ArrayList<>();
    if (rawQuery == null) {
      return values;
    }
    for (String pair : rawQuery.split("&", -1)) {
      if (pair.contains(";")) {
        throw new IllegalArgumentException("invalid semicolon separator in query");
      }
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = queryUnescape(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : queryUnescape(pair.substring(eq + 1));
      if (name.equals(key)) {
        values.add(value);
      }
    }
    return values;
  }

  /** Go's {@code url.QueryUnescape}; the bytes are read as UTF-8. */
  private static String queryUnescape(String s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      if (c == '%') {
        int hi = hexDigit(s, i + 1);
        int lo = hexDigit(s, i + 2);
        if (hi < 0 || lo < 0) {
          String escape = s.substring(i, Math.min(i + 3, s.length()));
          throw new IllegalArgumentException("invalid URL escape " + GoSyntax.quote(escape));
        }
        bytes.write(hi << 4 | lo);
        i += 3;
        continue;
      }
      if (c == '+') {
        bytes.write(' ');
      } else {
        bytes.writeBytes(Character.toString(c).getBytes(StandardCharsets.UTF_8));
      }
      i += Character.charCount(c);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** The ASCII hex digit at {@code i}, or -1. */
  private static int hexDigit(String s, int i) {
    if (i >= s.length()) {
      return -1;
    }
    char c = s.charAt(i);
    return c < 0x80 ? Character.digit(c, 16) : -1;
  }
}
