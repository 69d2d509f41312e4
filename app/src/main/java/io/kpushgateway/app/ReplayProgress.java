package io.kpushgateway.app;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jline.terminal.spi.SystemStream;
import org.jline.terminal.spi.TerminalProvider;

/**
 * The replay's progress bar on stderr, in partitions read: drawn only when stderr is a terminal,
 * and only once the replay has taken more than a moment, so a quick replay or one into a pipe or a
 * log writes nothing there. Steps may be counted before the bar is drawn.
 */
final class ReplayProgress implements AutoCloseable {

  /** How long a replay runs before it shows a bar. */
  static final Duration MOMENT = Duration.ofSeconds(1);

  private final PrintStream err;
  private final ScheduledExecutorService timer;
  private long done; // guarded by this
  private long total = -1; // guarded by this; -1 while unknown
  private String task = "replay"; // guarded by this
  private ProgressBar bar; // guarded by this
  private boolean closed; // guarded by this

  private ReplayProgress(PrintStream err, boolean show) {
    this.err = err;
    if (show) {
      this.timer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "replay-progress");
                t.setDaemon(true);
                return t;
              });
      var unused = timer.schedule(this::show, MOMENT.toMillis(), TimeUnit.MILLISECONDS);
    } else {
      this.timer = null;
    }
  }

  /** A bar on {@code err} when it is the process's stderr and that is a terminal. */
  static ReplayProgress on(PrintStream err) {
    return new ReplayProgress(err, err == System.err && stderrIsTerminal());
  }

  /** Never drawn. */
  static ReplayProgress none(PrintStream err) {
    return new ReplayProgress(err, false);
  }

  /** What is being done now, and how many steps it takes. */
  synchronized void task(String name, long steps) {
    task = name;
    total = steps;
    done = 0;
    if (bar != null) {
      bar.close();
      bar = null;
      draw();
    }
  }

  synchronized void step() {
    done++;
    if (bar != null) {
      bar.stepTo(done);
    }
  }

  private synchronized void show() {
    if (!closed && bar == null) {
      draw();
    }
  }

  private void draw() {
    ProgressBarBuilder builder =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(total)
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new ConsoleProgressBarConsumer(err))
            .hideEta()
            .clearDisplayOnFinish();
    if (total > 0) {
      builder.setUnit(" partitions", 1);
    }
    bar = builder.build();
    bar.stepTo(done);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (timer != null) {
      timer.shutdownNow();
    }
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  /** Asked of jline, which runs {@code test -t 2} where it has no native access. */
  private static boolean stderrIsTerminal() {
    try {
      return TerminalProvider.load("exec").isSystemStream(SystemStream.Error);
    } catch (IOException | RuntimeException | LinkageError e) {
      return false;
    }
  }
}
