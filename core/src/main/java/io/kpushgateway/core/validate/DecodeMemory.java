package io.kpushgateway.core.validate;

/**
 * The heap a push's decoding may take, asked for by the readers before they hold what they read (an
 * estimate, in bytes). The gateway's implementation shares one budget among the pushes being
 * decoded at a time and may refuse or make the caller wait; the core only asks.
 */
@FunctionalInterface
public interface DecodeMemory {

  /** Takes whatever is asked. */
  DecodeMemory UNLIMITED = bytes -> {};

  /**
   * Takes {@code bytes} more for this push, until the push is done.
   *
   * @throws RuntimeException when they cannot be had; readers let it pass
   */
  void charge(long bytes);
}
