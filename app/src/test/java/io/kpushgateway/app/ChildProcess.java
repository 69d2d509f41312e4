package io.kpushgateway.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process a test starts (a gateway or a broker JVM): its output goes to {@code
 * <logDir>/<name>.log} for diagnosis, and it is killed when closed, or when the test JVM exits
 * first.
 */
final class ChildProcess implements AutoCloseable {

  private static final Duration KILLED = Duration.ofSeconds(10);

  private final String name;
  private final Path log;
  private final Process process;
  private final Thread killOnExit;

  private ChildProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
    this.killOnExit = new Thread(process::destroyForcibly, "kill-" + name);
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  static ChildProcess start(String name, List<String> command, Path logDir) {
    Path log = logDir.resolve(name + ".log");
    try {
      Files.createDirectories(logDir);
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      return new ChildProcess(name, log, process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int exitValue() {
    return process.exitValue();
  }

  /**
   * {@code kill -9}: no shutdown hook runs, open connections are reset. Returns {@link
   * System#nanoTime()} just before the signal.
   */
  long kill() {
    long at = System.nanoTime();
    process.destroyForcibly();
    awaitExit(KILLED);
    return at;
  }

  /**
   * {@code kill -STOP} ({@code pause}) or {@code kill -CONT}: a process that stops answering
   * without closing a connection, as behind a network partition. Returns {@link System#nanoTime()}
   * just before the signal.
   */
  long signal(boolean pause) {
    long at = System.nanoTime();
    try {
      Process kill =
          new ProcessBuilder("kill", pause ? "-STOP" : "-CONT", Long.toString(process.pid()))
              .inheritIO()
              .start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill " + (pause ? "-STOP " : "-CONT ") + name + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return at;
  }

  /** Waits for the process to end; its exit code. */
  int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(name + " still runs after " + timeout);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The last lines of the output, for failure messages. */
  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** Kills the process if it still runs (a paused one too) and waits for it to be gone. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      awaitExit(KILLED);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException e) {
      // the JVM is exiting: the hook runs anyway
    }
  }
}
