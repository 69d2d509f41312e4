package io.kpushgateway.app.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * Runs before every route, as the toolkit's handler wraps the whole server: sets the configured
 * headers, then asks for basic auth. Answers exactly as upstream does (Go's {@code http.Error}):
 * {@code 401 Unauthorized} with {@code WWW-Authenticate: Basic}, or {@code 500} while the
 * configuration file is broken. Requests it turns away never reach a route, so they change nothing
 * and are not counted as pushes.
 */
final class SecurityFilter extends HttpFilter {

  private static final long serialVersionUID = 1L;

  private final transient Supplier<WebSecurity.Active> active;

  SecurityFilter(Supplier<WebSecurity.Active> active) {
    this.active = active;
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    WebSecurity.Active now = active.get();
    if (now.failure() != null) {
      // Fail closed, as upstream: a file that no longer reads must not leave the old users in.
      plain(response, 500, "Internal Server Error");
      return;
    }
    now.config().headers().forEach(response::setHeader);
    if (now.auth() == null || now.auth().authenticate(request.getHeader("Authorization"))) {
      chain.doFilter(request, response);
      return;
    }
    response.setHeader("WWW-Authenticate", "Basic");
    plain(response, 401, "Unauthorized");
  }

  private static void plain(HttpServletResponse response, int status, String text)
      throws IOException {
    response.setStatus(status);
    response.setContentType("text/plain; charset=utf-8");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.getWriter().write(text + "\n");
  }
}
