package io.kpushgateway.exposition;

import io.javalin.http.Context;
import io.kpushgateway.proto.GroupRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The Pushgateway's JSON query API: {@code GET /api/v1/status}, {@code GET /api/v1/metrics} and the
 * CORS preflight {@code OPTIONS /api/v1/*}, with upstream's headers on every answer.
 */
public final class ApiV1Routes {

  private final GroupSource groups;
  private final StatusInfo status;
  private final Optional<HistoryHorizon> horizon;

  /**
   * @param groups what {@code /api/v1/metrics} serves: the whole cluster's groups
   * @param horizon on a store node: the oldest instant {@code ?at=} answers, for the status
   */
  public ApiV1Routes(GroupSource groups, StatusInfo status, Optional<HistoryHorizon> horizon) {
    this.groups = groups;
    this.status = status;
    this.horizon = horizon;
  }

  /** Upstream's headers, on every answer under {@code /api/v1}, errors included. */
  public static void setHeaders(Context ctx) {
    ctx.contentType("application/json")
        .header("Access-Control-Allow-Origin", "*")
        .header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
        .header("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type, Origin")
        .header("Cache-Control", "no-cache, no-store, must-revalidate");
  }

  public void status(Context ctx) throws IOException {
    ApiV1Json.writeStatus(
        ctx.outputStream(), status, horizon.flatMap(HistoryHorizon::latest).orElse(null));
  }

  /** An error as the API answers it, e.g. {@code errorType} "unavailable". */
  public static String errorJson(String errorType, String error) {
    return ApiV1Json.error(errorType, error);
  }

  /** The CORS preflight: headers only. */
  public void preflight(Context ctx) {
    ctx.status(200);
  }

  /** A store that cannot be read fails before anything is written. */
  public void metrics(Context ctx) throws IOException {
    Optional<Instant> at = AtQuery.at(ctx);
    List<GroupRecord> all = at.isPresent() ? groups.readAt(at.get()) : groups.readAll();
    ApiV1Json.writeMetrics(ctx.outputStream(), all);
  }
}
