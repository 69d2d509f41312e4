package io.kpushgateway.app.web;

/**
 * The web configuration file cannot be used: unreadable, not the toolkit's schema, or naming
 * certificates, keys or password hashes that do not load. The message names the file and the
 * problem, and never contains a secret.
 */
public final class WebConfigException extends RuntimeException {

  WebConfigException(String message) {
    super(message);
  }

  WebConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
