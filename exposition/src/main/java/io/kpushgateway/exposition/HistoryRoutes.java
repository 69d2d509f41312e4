package io.kpushgateway.exposition;

import io.javalin.http.Context;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.path.GroupingKeyPath;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.proto.HistoryPage;
import io.kpushgateway.store.HistoryQuery;
import io.kpushgateway.store.HistoryStore;
import java.io.IOException;
import java.util.Base64;

/**
 * A group's push history: {@code GET /api/v1/history/job/<job>{/<label>/<value>}} (the push URL's
 * grammar, {@code @base64} included) answers the group's pushes newest first, wherever the group's
 * partition lives; {@code GET /internal/v1/history} answers a peer from this node's copy only
 * (never asks further). Every parameter is checked before anything is read.
 */
public final class HistoryRoutes {

  public static final String PEER_PATH = "/internal/v1/history";
  static final String CONTENT_TYPE = "application/x-protobuf";

  static final String KEY = "key";
  static final String SINCE_NANOS = "since";
  static final String UNTIL_NANOS = "until";
  static final String LIMIT = "limit";
  static final String BEFORE_OFFSET = "before";
  static final String STANDBY = "standby";

  private static final String PREFIX = "/history/";

  private final HistoryReader cluster;
  private final HistoryStore local;
  private final NameValidationScheme names;

  /**
   * @param cluster reads a group's history wherever it lives, for the API
   * @param local this node's copies, for its peers
   * @param names how the path's label names are checked, as for pushes
   */
  public HistoryRoutes(HistoryReader cluster, HistoryStore local, NameValidationScheme names) {
    this.cluster = cluster;
    this.local = local;
    this.names = names;
  }

  /**
   * @param rawPath the path under the route prefix as sent, {@code /api/v1/history/job/...}
   */
  public void history(Context ctx, String rawPath) throws IOException {
    // decoded as the push route decodes its path, so the same URL names the same group
    int at = rawPath.indexOf(PREFIX);
    GroupingKey key = GroupingKeyPath.parseEscaped(rawPath.substring(at + PREFIX.length()), names);
    HistoryQuery query = HistoryParams.parse(ctx.queryParamMap());
    HistoryPage page = cluster.read(key.toBytes(), query);
    String next =
        page.getMore()
            ? HistoryParams.pageToken(page.getEntries(page.getEntriesCount() - 1).getOffset())
            : null;
    ApiV1Json.writeHistory(ctx.outputStream(), page.getEntriesList(), next);
  }

  /**
   * {@code GET /internal/v1/history?key=<base64url>&since=<ns>&until=<ns>&limit=<n>&before=<offset>
   * [&standby=true]}: a {@link HistoryPage} from this node's copy of the group's partition; 503
   * when this node cannot read it.
   */
  public void peer(Context ctx) throws IOException {
    byte[] key;
    try {
      key = Base64.getUrlDecoder().decode(required(ctx, KEY));
    } catch (IllegalArgumentException e) {
      throw new BadQueryException("bad key: " + e.getMessage());
    }
    HistoryQuery query;
    try {
      query =
          new HistoryQuery(
              Long.parseLong(required(ctx, SINCE_NANOS)),
              Long.parseLong(required(ctx, UNTIL_NANOS)),
              Math.min(HistoryParams.MAX_LIMIT, Integer.parseInt(required(ctx, LIMIT))),
              Long.parseLong(required(ctx, BEFORE_OFFSET)));
    } catch (IllegalArgumentException e) { // NumberFormatException too
      throw new BadQueryException("bad history query: " + e.getMessage());
    }
    HistoryPage page = local.read(key, query, "true".equals(ctx.queryParam(STANDBY)));
    ctx.contentType(CONTENT_TYPE);
    page.writeTo(ctx.outputStream());
  }

  private static String required(Context ctx, String name) {
    String value = ctx.queryParam(name);
    if (value == null) {
      throw new BadQueryException("missing parameter " + name);
    }
    return value;
  }
}
