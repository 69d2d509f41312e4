package io.kpushgateway.core.select;

/**
 * A series selector that cannot be used, worded as Prometheus words its parse errors: {@code
 * <line>:<column>: parse error: <reason>}. Lines and columns count from 1; columns count characters
 * (code points), where Prometheus counts bytes, so they only differ after non-ASCII text.
 */
public final class SelectorSyntaxException extends Exception {

  private final int line;
  private final int column;
  private final String reason;

  SelectorSyntaxException(int line, int column, String reason) {
    super(line + ":" + column + ": parse error: " + reason, null, false, false);
    this.line = line;
    this.column = column;
    this.reason = reason;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  /** The message without its position. */
  public String reason() {
    return reason;
  }
}
