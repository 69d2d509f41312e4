package io.kpushgateway.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Free TCP ports on 127.0.0.1 for servers a test starts itself. */
public final class FreePorts {

  /** Ports handed out in this JVM: a test asking for two ports before binding gets two. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /**
   * A port that was free on 127.0.0.1 a moment ago and was not returned before in this JVM. Another
   * process may still take it before the caller binds; bind to port 0 where the server can report
   * its port instead.
   */
  public static int next() {
    for (int i = 0; i < 100; i++) {
      int port;
      try (ServerSocket socket =
          new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
        port = socket.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open a socket on 127.0.0.1", e);
      }
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no new free port on 127.0.0.1 after 100 tries");
  }
}
