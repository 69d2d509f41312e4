package io.kpushgateway.ingest;

import io.kpushgateway.core.validate.FamilyCatalog;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.kafka.PushPublisher;
import io.kpushgateway.proto.Method;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * The Pushgateway's push API: PUT (push), POST (pushAdd) and DELETE on {@code
 * /metrics/job/<job>{/<label>/<value>}}, with {@code @base64} variants. The whole path after
 * {@code /metrics/} is parsed by the core, so every odd shape gets upstream's answer.
 */
public final class IngestRoutes {

  private static final String PREFIX = "/metrics/";

  private final PushController controller;

  /**
   * @param catalog the families of every group, for upstream's cross-group consistency check;
   *     {@code null} disables the check (and pushes are answered 202, as upstream does then)
   * @param names {@link NameValidationScheme#UTF8} with {@code --push.enable-utf8-names}
   */
  public IngestRoutes(
      PushPublisher publisher,
      Clock clock,
      String nodeName,
      IngestLimits limits,
      FamilyCatalog catalog,
      NameValidationScheme names) {
    this.controller = new PushController(publisher, clock, nodeName, limits, catalog, names);
  }

  public void addTo(Javalin app) {
    IngestErrors.register(app);
    app.put(PREFIX + "<suffix>", ctx -> handle(ctx, Method.PUT));
    app.post(PREFIX + "<suffix>", ctx -> handle(ctx, Method.POST));
    app.delete(PREFIX + "<suffix>", ctx -> handle(ctx, Method.DELETE));
  }

  private void handle(Context ctx, Method method) throws java.io.IOException {
    // Decode the raw path ourselves: like Go's mux, '%2F' becomes a separator, and a trailing
    // slash stays significant ("a/1/" is an odd number of components).
    String raw = ctx.path();
    int at = raw.indexOf(PREFIX, ctx.contextPath().length());
    String suffix = percentDecode(raw.substring(at + PREFIX.length()));
    controller.handle(ctx, method, suffix);
  }

  /** RFC 3986 percent-decoding as UTF-8 ('+' stays '+', unlike form decoding). */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          out.write((hi << 4) | lo);
          i += 3;
          continue;
        }
      }
      int end = i + Character.charCount(s.codePointAt(i));
      out.writeBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
      i = end;
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
