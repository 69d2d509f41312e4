package io.kpushgateway.ingest;

/**
 * Whether this node takes pushes right now: the seam between ingest and what watches the node's
 * resources (its data directory's free space, its embedded broker). Cheap and non-blocking: it is
 * asked once per PUT or POST, before the body is read.
 */
@FunctionalInterface
public interface PushGate {

  /** Takes every push. */
  PushGate OPEN = () -> null;

  /** Null while pushes are taken; else why not, in words fit for the body of a 503. */
  String refusedBecause();
}
