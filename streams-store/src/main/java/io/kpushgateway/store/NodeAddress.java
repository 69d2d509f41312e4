package io.kpushgateway.store;

/** Where a store node answers its peers: its advertised {@code HOST:PORT}. */
public record NodeAddress(String host, int port) {

  /**
   * @throws IllegalArgumentException unless {@code hostPort} is {@code HOST:PORT}
   */
  public static NodeAddress parse(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("not HOST:PORT: " + hostPort);
    }
    try {
      return new NodeAddress(
          hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not HOST:PORT: " + hostPort, e);
    }
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
