package io.kpushgateway.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A steady push load from several client threads over the given ingest nodes. Every attempt PUTs a
 * group of its own ({@code job="kill",instance="<client>-<attempt>"}) holding one gauge with a
 * value no other attempt uses, so what was acknowledged can be checked exactly against what is
 * served. An attempt that fails (an error status, a reset connection, a timeout) is retried on
 * another node as a new attempt, with its own group; every attempt is recorded.
 */
final class PushLoad {

  static final String METRIC = "kill_push";

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  /** Above the gateway's produce timeout (10 s): a slow broker answers 503 before this. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  /** A client leaves a node that failed it alone this long, as a load balancer would. */
  private static final long AVOID_NANOS = Duration.ofSeconds(1).toNanos();

  private static final Pattern SERIES =
      Pattern.compile(
          "^" + METRIC + "\\{instance=\"[0-9]+-([0-9]+)\",job=\"kill\"} (\\S+)$",
          Pattern.MULTILINE);

  /**
   * One HTTP attempt of a push.
   *
   * @param id unique over the run; names the group and fixes the value
   * @param push the client's push this attempt belongs to (retries share it)
   * @param status the HTTP status, or 0 when the request failed
   * @param error the failure (exception class and message), or null
   */
  record Attempt(
      int id,
      int client,
      int push,
      String node,
      long startNanos,
      long endNanos,
      int status,
      String error) {

    boolean acknowledged() {
      return status >= 200 && status < 300;
    }

    /** {@code 200}, {@code 503} or the exception's class, for counting outcomes. */
    String outcome() {
      return status != 0 ? Integer.toString(status) : error.substring(0, error.indexOf(':'));
    }
  }

  private final List<GatewayProcess> targets;
  private final int clients;
  private final long intervalNanos;
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicInteger acknowledged = new AtomicInteger();
  private final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  /** {@code clients} threads, each starting a push every {@code interval} at most. */
  PushLoad(List<GatewayProcess> targets, int clients, Duration interval) {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no node to push to");
    }
    this.targets = List.copyOf(targets);
    this.clients = clients;
    this.intervalNanos = interval.toNanos();
  }

  /** The value attempt {@code id} pushes: exact in binary and in text. */
  static double value(int id) {
    return id + 0.5;
  }

  /** The attempt ids of {@code values} ({@link #servedValues}) served with their own value. */
  static BitSet servedRight(Map<Integer, Double> values) {
    BitSet served = new BitSet();
    values.forEach(
        (id, value) -> {
          if (value == value(id)) {
            served.set(id);
          }
        });
    return served;
  }

  /** Lets the load run until {@code duration} after {@code from}: the schedule, not a wait. */
  static void keepLoad(long from, Duration duration) throws InterruptedException {
    long left = from + duration.toNanos() - System.nanoTime();
    if (left > 0) {
      Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
    }
  }

  /** A daemon thread running {@code read} every {@code interval} until interrupted. */
  static Thread reader(String name, Duration interval, Runnable read) {
    Thread t =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                read.run();
                try {
                  Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            name);
    t.setDaemon(true);
    return t;
  }

  /** Attempt id → value of every load group on a {@code /metrics} text page. */
  static Map<Integer, Double> servedValues(String page) {
    Map<Integer, Double> values = new HashMap<>();
    Matcher m = SERIES.matcher(page);
    while (m.find()) {
      values.put(Integer.parseInt(m.group(1)), Double.parseDouble(m.group(2)));
    }
    return values;
  }

  void start() {
    running = true;
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread t = new Thread(() -> run(client), "push-client-" + c);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /**
   * Stops starting attempts and waits for those in flight (each ends within the request timeout).
   * Returns {@link System#nanoTime()} when no more attempts were started.
   */
  long stop() throws InterruptedException {
    running = false;
    long stopped = System.nanoTime();
    for (Thread t : threads) {
      t.join(REQUEST_TIMEOUT.plusSeconds(5).toMillis());
      if (t.isAlive()) {
        throw new IllegalStateException(t.getName() + " did not stop");
      }
    }
    return stopped;
  }

  int acknowledged() {
    return acknowledged.get();
  }

  List<Attempt> attempts() {
    return List.copyOf(attempts);
  }

  private void run(int client) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
    long[] avoidUntil = new long[targets.size()];
    int turn = client; // clients start on different nodes
    long slot = System.nanoTime();
    for (int push = 0; running; push++) {
      boolean acked = false;
      while (running && !acked) {
        int target = pick(avoidUntil, turn++);
        Attempt attempt = send(http, client, push, targets.get(target));
        attempts.add(attempt);
        acked = attempt.acknowledged();
        if (acked) {
          acknowledged.incrementAndGet();
        } else {
          avoidUntil[target] = attempt.endNanos() + AVOID_NANOS;
        }
      }
      slot = Math.max(slot + intervalNanos, System.nanoTime());
      LockSupport.parkNanos(slot - System.nanoTime());
    }
  }

  /** The next node in turn that did not fail recently; with none, waits for the first to return. */
  private int pick(long[] avoidUntil, int turn) {
    long now = System.nanoTime();
    int soonest = 0;
    for (int i = 0; i < avoidUntil.length; i++) {
      int t = Math.floorMod(turn + i, avoidUntil.length);
      if (avoidUntil[t] <= now) {
        return t;
      }
      if (avoidUntil[t] < avoidUntil[soonest]) {
        soonest = t;
      }
    }
    LockSupport.parkNanos(avoidUntil[soonest] - now);
    return soonest;
  }

  private Attempt send(HttpClient http, int client, int push, GatewayProcess node) {
    int id = ids.getAndIncrement();
    String body = "# TYPE " + METRIC + " gauge\n" + METRIC + " " + value(id) + "\n";
    String group = "/metrics/job/kill/instance/" + client + "-" + id;
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(node.url(group)))
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "text/plain; version=0.0.4")
            .timeout(REQUEST_TIMEOUT)
            .build();
    long start = System.nanoTime();
    int status = 0;
    String error = null;
    try {
      status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      error = e.getClass().getSimpleName() + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error = "InterruptedException: " + e.getMessage();
      running = false;
    }
    return new Attempt(id, client, push, node.name(), start, System.nanoTime(), status, error);
  }
}
