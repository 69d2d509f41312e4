package io.kpushgateway.exposition;

import io.javalin.http.Context;
import io.kpushgateway.proto.GroupRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The web UI: the page at {@code /} and {@code /status} (one page, two tabs, as upstream) and its
 * two assets under {@code /static/}, read once from the jar so the UI works offline.
 */
public final class WebUiRoutes {

  private static final String RESOURCES = "/io/kpushgateway/exposition/static/";

  /** The assets the page uses, by file name; nothing else is served under /static/. */
  private static final Map<String, Asset> ASSETS =
      Map.of(
          "ui.css", Asset.load("ui.css", "text/css; charset=utf-8"),
          "ui.js", Asset.load("ui.js", "text/javascript; charset=utf-8"));

  private final GroupSource groups;
  private final StatusInfo status;
  private final boolean adminApi;

  /**
   * @param adminApi whether {@code --web.enable-admin-api} is on: the page then offers "Delete All
   *     Groups"
   */
  public WebUiRoutes(GroupSource groups, StatusInfo status, boolean adminApi) {
    this.groups = groups;
    this.status = status;
    this.adminApi = adminApi;
  }

  /** {@code /} and {@code /status}. */
  public void page(Context ctx) throws IOException {
    // read before the first byte is written, so an unavailable store still gets its 503
    List<GroupRecord> all = groups.readAll();
    ctx.contentType("text/html; charset=utf-8");
    Writer out =
        new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8));
    WebUiPage.write(out, all, status, adminApi);
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
