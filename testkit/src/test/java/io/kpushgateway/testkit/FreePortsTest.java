package io.kpushgateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test
  void hands_out_distinct_ports_that_can_be_bound_on_loopback() throws Exception {
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      ports.add(FreePorts.next());
    }
    assertThat(ports).hasSize(20).allMatch(p -> p > 0 && p < 65536);
    int port = ports.iterator().next();
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThat(socket.getLocalPort()).isEqualTo(port);
    }
  }
}
