package io.kpushgateway.app.http;

import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer the edge writes itself, before or instead of a handler: a router's redirect or 405, an
 * error, a role this node lacks.
 *
 * @param body {@code null} for none
 */
public record Answer(int status, Map<String, String> headers, String body) {

  public Answer {
    headers = Map.copyOf(headers);
  }

  /** Go's http.Error: plain text, a newline after the message, nosniff. */
  public static Answer text(int status, String message) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "text/plain; charset=utf-8");
    headers.put("X-Content-Type-Options", "nosniff");
    return new Answer(status, headers, message + "\n");
  }

  /** Text written without http.Error, as Go sniffs it: no nosniff header. */
  public static Answer sniffedText(int status, String message) {
    return new Answer(status, Map.of("Content-Type", "text/plain; charset=utf-8"), message + "\n");
  }

  /** Go's http.NotFound. */
  public static Answer notFound() {
    return text(404, "404 page not found");
  }

  /** The same answer with one more header. */
  public Answer with(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Answer(status, more, body);
  }

  /** Written whole; also for HEAD, whose body Jetty drops. */
  void writeTo(HttpServletResponse response) throws IOException {
    response.setStatus(status);
    headers.forEach(response::setHeader);
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  /** Written through Javalin, replacing whatever result the handler had set. */
  void writeTo(Context ctx) {
    ctx.status(status);
    headers.forEach(ctx::header);
    ctx.result(body == null ? "" : body);
  }
}
