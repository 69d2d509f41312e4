package io.kpushgateway.app.http;

import io.kpushgateway.app.http.UpstreamRouter.AnswerHere;
import io.kpushgateway.app.http.UpstreamRouter.Decision;
import io.kpushgateway.app.http.UpstreamRouter.Forward;
import io.kpushgateway.exposition.HttpMetrics;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;

/**
 * The servlet filter in front of Javalin: routes every request with {@link UpstreamRouter}, answers
 * what upstream answers before its handlers, hands the rest to Javalin with the matched route as a
 * request attribute ({@link #routed}), and counts the answers of counted handlers once they are
 * complete, also when a handler answers asynchronously (pushes answer in the broker's callback) or
 * fails.
 */
final class RoutingFilter implements Filter {

  private static final String ROUTED = RoutingFilter.class.getName() + ".routed";

  private final UpstreamRouter router;
  private final HttpMetrics metrics;

  RoutingFilter(UpstreamRouter router, HttpMetrics metrics) {
    this.router = router;
    this.metrics = metrics;
  }

  void installOn(ServletContextHandler context) {
    context.addFilter(new FilterHolder(this), "/*", EnumSet.of(DispatcherType.REQUEST));
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = new AsGoWrites((HttpServletResponse) res);
    Decision decision =
        router.route(request.getMethod(), request.getRequestURI(), request.getQueryString());
    if (decision instanceof AnswerHere here) {
      here.answer().writeTo(response);
      return;
    }
    Routed routed = ((Forward) decision).request();
    request.setAttribute(ROUTED, routed);
    String label = routed.route().label();
    if (label == null) {
      chain.doFilter(request, response);
      return;
    }
    Observation observation = new Observation(label, request, response);
    try {
      chain.doFilter(request, response);
    } catch (IOException | ServletException | RuntimeException | Error e) {
      observation.complete(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
      throw e;
    }
    if (request.isAsyncStarted()) {
      request.getAsyncContext().addListener(observation);
    } else {
      observation.complete(response.getStatus());
    }
  }

  /** The route the filter matched this request to; every request Javalin sees has one. */
  static Routed routed(HttpServletRequest request) {
    return (Routed) request.getAttribute(ROUTED);
  }

  /**
   * promhttp's computeApproximateRequestSize, which upstream's push size summary observes: URL,
   * method, protocol, header names and values (Go keeps Host and Transfer-Encoding out of the
   * header map; the host counts once), and the declared body length.
   */
  static long approximateRequestSize(HttpServletRequest request) {
    long size = request.getRequestURI().length();
    String query = request.getQueryString();
    if (query != null && !query.isEmpty()) {
      size += 1 + query.length();
    }
    size += request.getMethod().length() + request.getProtocol().length();
    for (String name : Collections.list(request.getHeaderNames())) {
      if (name.equalsIgnoreCase("Host") || name.equalsIgnoreCase("Transfer-Encoding")) {
        continue;
      }
      size += name.length();
      for (String value : Collections.list(request.getHeaders(name))) {
        size += value.length();
      }
    }
    String host = request.getHeader("Host");
    size += host == null ? 0 : host.length();
    return size + Math.max(0, request.getContentLengthLong());
  }

  /** One counted request, recorded exactly once when its answer is complete. */
  private final class Observation implements AsyncListener {
    private final String handler;
    private final String method;
    private final long sizeBytes;
    private final HttpServletResponse response;
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean recorded = new AtomicBoolean();

    Observation(String handler, HttpServletRequest request, HttpServletResponse response) {
      this.handler = handler;
      this.method = request.getMethod();
      this.sizeBytes = approximateRequestSize(request);
      this.response = response;
    }

    void complete(int status) {
      if (recorded.compareAndSet(false, true)) {
        metrics.observe(handler, method, status, (System.nanoTime() - startNanos) / 1e9, sizeBytes);
      }
    }

    @Override
    public void onComplete(AsyncEvent event) {
      complete(response.getStatus());
    }

    @Override
    public void onTimeout(AsyncEvent event) {}

    @Override
    public void onError(AsyncEvent event) {}

    @Override
    public void onStartAsync(AsyncEvent event) {}
  }

  /**
   * The Content-Type as Go's net/http writes it: only once a body is written (an empty push answer
   * has none; Javalin sets a default on every response), and as the handler spelled it (Jetty's own
   * setter would write {@code text/plain;charset=utf-8}).
   */
  private static final class AsGoWrites extends HttpServletResponseWrapper {
    private String contentType;
    private boolean bodyStarted;

    AsGoWrites(HttpServletResponse response) {
      super(response);
    }

    @Override
    public void setContentType(String type) {
      contentType = type;
      if (bodyStarted) {
        apply();
      }
    }

    @Override
    public String getContentType() {
      return contentType;
    }

    @Override
    public void setHeader(String name, String value) {
      if (name.equalsIgnoreCase("Content-Type")) {
        setContentType(value);
      } else {
        super.setHeader(name, value);
      }
    }

    @Override
    public void addHeader(String name, String value) {
      if (name.equalsIgnoreCase("Content-Type")) {
        setContentType(value);
      } else {
        super.addHeader(name, value);
      }
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
      bodyStarted = true;
      apply();
      return super.getOutputStream();
    }

    @Override
    public PrintWriter getWriter() throws IOException {
      bodyStarted = true;
      apply();
      return super.getWriter();
    }

    private void apply() {
      if (getResponse() instanceof Response jetty) {
        if (contentType == null) {
          jetty.getHttpFields().remove(HttpHeader.CONTENT_TYPE);
        } else {
          jetty.getHttpFields().put(HttpHeader.CONTENT_TYPE, contentType);
        }
      } else {
        super.setContentType(contentType);
      }
    }
  }
}
