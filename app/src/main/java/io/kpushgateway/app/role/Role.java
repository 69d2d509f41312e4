package io.kpushgateway.app.role;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A part a node runs (the embedded broker, ingest, the store): what it started, closed in reverse
 * order, and the conditions of its readiness. A role that fails to start closes what it started.
 */
public abstract class Role implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Role.class);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final List<Readiness> readiness = new ArrayList<>();

  /** Starts {@code role} with {@code start}; on failure closes what it had started, and throws. */
  static <R extends Role> R starting(R role, Consumer<R> start) {
    try {
      start.accept(role);
      return role;
    } catch (RuntimeException | Error e) {
      role.close();
      throw e;
    }
  }

  /** {@code part}, to be closed with the role. */
  final <T extends AutoCloseable> T own(T part) {
    started.push(part);
    return part;
  }

  final void readyWhen(Readiness condition) {
    readiness.add(condition);
  }

  public final List<Readiness> readiness() {
    return List.copyOf(readiness);
  }

  @Override
  public final void close() {
    while (!started.isEmpty()) {
      AutoCloseable part = started.pop();
      try {
        part.close();
      } catch (Exception e) {
        LOG.warn("error while stopping {}", part, e);
      }
    }
  }
}
