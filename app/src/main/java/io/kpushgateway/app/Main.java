package io.kpushgateway.app;

import io.kpushgateway.app.web.WebConfigException;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * {@code java -jar kpushgateway.jar [flags]}: parse the flags, start, stop on SIGTERM; {@code java
 * -jar kpushgateway.jar replay [options]}: print the page as of a time ({@link Replay}).
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0 && args[0].equals("replay")) {
      Replay.quietLogs();
      System.exit(Replay.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
      return;
    }
    GatewayConfig config;
    try {
      config = GatewayConfig.parse(args);
    } catch (CommandLine.ParameterException | IllegalArgumentException e) {
      System.err.println("kpushgateway: " + e.getMessage());
      System.err.println("Try 'kpushgateway --help'.");
      System.exit(2);
      return;
    }
    if (config == null) {
      return; // --help or --version
    }
    // slf4j-simple reads its level once, at the first logger: set it before anything logs.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", config.logLevel());
    Gateway gateway;
    try {
      gateway = Gateway.start(config);
    } catch (WebConfigException e) {
      System.err.println("kpushgateway: --web.config.file: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "sigterm"));
    gateway.awaitShutdown();
    // /-/quit: let the JVM end even if a library left a non-daemon thread behind.
    System.exit(0);
  }
}
