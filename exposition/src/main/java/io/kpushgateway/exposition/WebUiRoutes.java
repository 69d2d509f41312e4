package io.kpushgateway.exposition;

import io.javalin.http.Context;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.path.GroupingKeyPath;
import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.core.validate.PushRejectedException;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.HistoryPage;
import io.kpushgateway.store.HistoryQuery;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The web UI: the page at {@code /} and {@code /status} (one page, two tabs, as upstream; with
 * {@code ?at=} the groups as of that instant), a group's push history at {@code /history?group=}
 * (ours), and the two assets under {@code /static/}, read once from the jar so the UI works
 * offline.
 *
 * <p>A bad {@code at} or {@code group} is answered 400 as everywhere else, but with the page around
 * the message rather than a bare text body: the form that sent it stays there to correct it.
 */
public final class WebUiRoutes {

  static final String GROUP_PARAM = "group";
  static final String SERIES_PARAM = "series";

  /** How many pushes the history page shows; the JSON API pages through the rest. */
  static final int TIMELINE_PUSHES = 50;

  private static final String RESOURCES = "/io/kpushgateway/exposition/static/";

  /** The assets the page uses, by file name; nothing else is served under /static/. */
  private static final Map<String, Asset> ASSETS =
      Map.of(
          "ui.css", Asset.load("ui.css", "text/css; charset=utf-8"),
          "ui.js", Asset.load("ui.js", "text/javascript; charset=utf-8"));

  private final GroupSource groups;
  private final HistoryReader history;
  private final NameValidationScheme names;
  private final StatusInfo status;
  private final boolean adminApi;

  /**
   * @param history the same read of a group's pushes as {@code /api/v1/history}
   * @param names how a {@code group} parameter's label names are checked, as for pushes, and how
   *     the pages write a group's path
   * @param adminApi whether {@code --web.enable-admin-api} is on: the page then offers "Delete All
   *     Groups"
   */
  public WebUiRoutes(
      GroupSource groups,
      HistoryReader history,
      NameValidationScheme names,
      StatusInfo status,
      boolean adminApi) {
    this.groups = groups;
    this.history = history;
    this.names = names;
    this.status = status;
    this.adminApi = adminApi;
  }

  /** {@code /} and {@code /status}, {@code ?at=<time>} for a past state. */
  public void page(Context ctx) throws IOException {
    String atInput = ctx.queryParam(AtQuery.AT_PARAM);
    WebUiPage.View view;
    try {
      // read before the first byte is written, so an unavailable store still gets its 503
      Optional<Instant> at = AtQuery.at(ctx);
      List<GroupRecord> all = at.isPresent() ? groups.readAt(at.get()) : groups.readAll();
      view = new WebUiPage.View(all, at.orElse(null), atInput, null);
    } catch (BadQueryException e) {
      ctx.status(400);
      view = new WebUiPage.View(List.of(), null, atInput, e.getMessage());
    }
    Writer out = html(ctx);
    WebUiPage.write(out, view, status, adminApi, names);
    out.flush();
  }

  /** {@code /history?group=<push path after /metrics/>[&series=<id>]}: one group's pushes. */
  public void history(Context ctx) throws IOException {
    String group = ctx.queryParam(GROUP_PARAM);
    String series = ctx.queryParam(SERIES_PARAM);
    GroupingKey key;
    try {
      if (group == null || group.isEmpty()) {
        throw new BadQueryException("missing parameter " + GROUP_PARAM);
      }
      key = GroupingKeyPath.parseEscaped(group, names);
    } catch (BadQueryException | PushRejectedException e) {
      ctx.status(400);
      Writer out = html(ctx);
      WebUiHistoryPage.writeError(out, "bad " + GROUP_PARAM + ": " + e.getMessage());
      out.flush();
      return;
    }
    HistoryPage page =
        history.read(
            key.toBytes(),
            new HistoryQuery(Long.MIN_VALUE, Long.MAX_VALUE, TIMELINE_PUSHES, HistoryQuery.NEWEST));
    String next =
        page.getMore()
            ? HistoryParams.pageToken(page.getEntries(page.getEntriesCount() - 1).getOffset())
            : null;
    Writer out = html(ctx);
    WebUiHistoryPage.write(out, key, names, page.getEntriesList(), next, series);
    out.flush();
  }

  /** {@code /static/<file>}; a file the page does not use is not found. */
  public void asset(Context ctx, String file) {
    Asset asset = ASSETS.get(file);
    if (asset == null) {
      throw new NotFoundException(file);
    }
    ctx.contentType(asset.contentType()).result(asset.bytes());
  }

  private static Writer html(Context ctx) {
    ctx.contentType("text/html; charset=utf-8");
    return new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8));
  }

  @SuppressWarnings("ArrayRecordComponent") // never compared
  private record Asset(byte[] bytes, String contentType) {
    static Asset load(String name, String contentType) {
      try (InputStream in = WebUiRoutes.class.getResourceAsStream(RESOURCES + name)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + RESOURCES + name);
        }
        return new Asset(in.readAllBytes(), contentType);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
