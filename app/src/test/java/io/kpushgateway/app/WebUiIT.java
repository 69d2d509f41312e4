package io.kpushgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kpushgateway.testkit.Await;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}),
 * against an all-in-one gateway with the admin API on. One browser and one gateway for the class;
 * every test starts from the same two groups.
 */
class WebUiIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration VISIBLE = Duration.ofSeconds(10);
  private static final String XSS = "<script>window.pwned=1</script>";

  // {job="ui", empty=""} and {job="ui/b", path="/var/log", note=XSS}
  private static final String EMPTY_GROUP = "job/ui/empty@base64/=";
  private static final String SLASH_GROUP =
      "job@base64/dWkvYg/path@base64/L3Zhci9sb2c/note@base64/"
          + java.util.Base64.getUrlEncoder().encodeToString(XSS.getBytes());

  @TempDir static Path data;
  private static ChromeDriver browser;
  private static WebDriverWait wait;
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    // Only a missing or broken browser skips; everything after this must work.
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER + ")");
    ChromeOptions options =
        new ChromeOptions()
            .setBinary(CHROMIUM.toFile())
            .addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage");
    // An explicit driver executable: Selenium Manager is never asked to download anything.
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withLogFile(new File(data.toFile(), "chromedriver.log"))
            .build();
    try {
      browser = new ChromeDriver(service, options);
    } catch (WebDriverException e) {
      service.stop();
      Assumptions.abort(
          "Chromium could not start: " + e.getMessage().lines().findFirst().orElse(""));
    }
    wait = new WebDriverWait(browser, VISIBLE);
    gw =
        TestGateway.startReady(
            "--web.listen-address=127.0.0.1:0",
            "--data.dir=" + data.resolve("gateway"),
            "--web.enable-admin-api");
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (gw != null) {
      gw.close();
    }
  }

  @BeforeEach
  void twoGroups() {
    assertThat(gw.send("PUT", "/api/v1/admin/wipe", "").statusCode()).isEqualTo(202);
    Await.until(VISIBLE, "no groups", () -> !gw.scrape().contains("push_time_seconds{"));
    gw.push(EMPTY_GROUP, "# TYPE ui_runs_total counter\nui_runs_total 3\n");
    gw.push(
        SLASH_GROUP,
        "# HELP ui_latency_seconds Latency <b>of</b> the UI.\n"
            + "# TYPE ui_latency_seconds histogram\n"
            + "ui_latency_seconds_bucket{le=\"0.5\"} 1\n"
            + "ui_latency_seconds_bucket{le=\"+Inf\"} 2\n"
            + "ui_latency_seconds_sum 0.75\n"
            + "ui_latency_seconds_count 2\n");
    Await.until(VISIBLE, "both groups in the store", () -> groupsInStore() == 2);
    browser.get(gw.url("/"));
  }

  @Test
  void showsBothGroupsWithTheirValuesAndEscapedLabels() {
    List<WebElement> groups = groups();
    assertThat(groups).hasSize(2);
    // grouping-key order: job="ui" before job="ui/b"; job first, then by name
    assertThat(summaryLabels(groups.get(0))).containsExactly("job=\"ui\"", "empty=\"\"");
    assertThat(summaryLabels(groups.get(1)))
        .containsExactly("job=\"ui/b\"", "note=\"" + XSS + "\"", "path=\"/var/log\"");
    assertThat(((JavascriptExecutor) browser).executeScript("return window.pwned")).isNull();

    open(groups.get(0));
    WebElement counter = family(groups.get(0), "ui_runs_total");
    assertThat(counter.findElement(By.cssSelector("summary")).getText()).contains("COUNTER");
    open(counter);
    assertThat(counter.findElement(By.cssSelector("td.value")).getText()).isEqualTo("3");

    open(groups.get(1));
    WebElement histogram = family(groups.get(1), "ui_latency_seconds");
    assertThat(histogram.findElement(By.cssSelector("summary")).getText())
        .contains("HISTOGRAM", "Latency <b>of</b> the UI.", "last pushed: ");
    open(histogram);
    assertThat(histogram.findElement(By.cssSelector("td.value")).getText())
        .contains("Sample values ≤ 0.5 1", "Sample values ≤ +Inf 2", "Sample Sum 0.75");
  }

  @Test
  void aGroupWithATtlShowsItsDeadlineOnItsHeader() {
    Instant pushed = Instant.now();
    assertThat(
            gw.send("PUT", "/metrics/job/ui-ttl", "ui_ttl 1\n", "Pushgateway-TTL", "1h")
                .statusCode())
        .isEqualTo(200);
    Await.until(VISIBLE, "three groups in the store", () -> groupsInStore() == 3);
    browser.get(gw.url("/"));
    List<WebElement> groups = groups();
    assertThat(groups).hasSize(3);
    // job="ui", job="ui-ttl", job="ui/b"
    assertThat(summaryLabels(groups.get(1))).containsExactly("job=\"ui-ttl\"");
    WebElement expires = groups.get(1).findElement(By.cssSelector(":scope > summary .expires"));
    assertThat(expires.getText()).startsWith("expires: 20");
    Instant at =
        Instant.parse(expires.findElement(By.cssSelector("time")).getDomAttribute("datetime"));
    assertThat(at)
        .isBetween(pushed.plus(Duration.ofMinutes(59)), pushed.plus(Duration.ofMinutes(61)));
    // groups without a TTL show none
    assertThat(groups.get(0).findElements(By.cssSelector(".expires"))).isEmpty();
    assertThat(groups.get(2).findElements(By.cssSelector(".expires"))).isEmpty();
  }

  @Test
  void deleteGroupRemovesItFromThePageAndFromMetrics() {
    // the empty label value and the '/' must both survive the trip through the delete URL
    deleteGroup(groups().get(0));
    Await.until(VISIBLE, "{job=ui} gone from /metrics", () -> !gw.scrape().contains("job=\"ui\""));
    assertThat(gw.scrape()).contains("job=\"ui/b\"");
    assertThat(groups()).hasSize(1);
    assertThat(browser.findElement(By.id("del-all-counter")).getText()).isEqualTo("1");

    deleteGroup(groups().get(0));
    Await.until(VISIBLE, "{job=ui/b} gone", () -> !gw.scrape().contains("job=\"ui/b\""));
    assertThat(browser.findElement(By.id("no-groups")).isDisplayed()).isTrue();
    assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();
  }

  @Test
  void deleteAllGroupsWipesEverything() {
    WebElement deleteAll = browser.findElement(By.id("del-all"));
    assertThat(deleteAll.getText()).isEqualTo("Delete All 2 Groups");
    deleteAll.click();
    confirm();
    wait.until(d -> groups().isEmpty());
    assertThat(browser.findElement(By.id("del-all")).isEnabled()).isFalse();
    Await.until(VISIBLE, "no group on /metrics", () -> !gw.scrape().contains("push_time_seconds{"));
    browser.navigate().refresh();
    assertThat(groups()).isEmpty();
    assertThat(browser.findElement(By.id("no-groups")).isDisplayed()).isTrue();
  }

  @Test
  void aSelectorShowsTheGroupsItSelectsAndDeletesThemAfterConfirming() {
    gw.push("job/ui/instance/db1", "# TYPE ui_ok gauge\nui_ok 1\n");
    Await.until(VISIBLE, "the third group", () -> groupsInStore() == 3);
    browser.navigate().refresh();
    assertThat(groups()).hasSize(3);

    // a bad selector: the server's message, and nothing selected
    select("{job=\"ui\"");
    WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
    assertThat(error.getText()).contains("400").contains("bad match[]");
    assertThat(browser.findElement(By.id("del-selected")).isDisplayed()).isFalse();

    // {job="ui"} selects the two job="ui" groups, not job="ui/b"
    select("{job=\"ui\"}");
    wait.until(d -> visibleGroups().size() == 2);
    assertThat(visibleGroups())
        .allSatisfy(g -> assertThat(summaryLabels(g)).contains("job=\"ui\""));
    WebElement delete = browser.findElement(By.id("del-selected"));
    assertThat(delete.getText()).isEqualTo("Delete 2 Selected Groups");

    // cancelled: nothing deleted; "Show all" brings the other group back
    delete.click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
    assertThat(browser.findElement(By.id("confirm-msg")).getText())
        .isEqualTo("Do you really want to delete the 2 groups selected by {job=\"ui\"}?");
    browser.findElement(By.id("confirm-cancel")).click();
    assertThat(groupsInStore()).isEqualTo(3);
    browser.findElement(By.id("select-clear")).click();
    wait.until(d -> visibleGroups().size() == 3);

    select("{job=\"ui\"}");
    wait.until(d -> visibleGroups().size() == 2);
    browser.findElement(By.id("del-selected")).click();
    confirm();
    wait.until(d -> groups().size() == 1);
    assertThat(summaryLabels(groups().get(0))).contains("job=\"ui/b\"");
    assertThat(groups().get(0).isDisplayed()).isTrue();
    assertThat(browser.findElement(By.id("del-all-counter")).getText()).isEqualTo("1");
    Await.until(VISIBLE, "the two gone from the store", () -> groupsInStore() == 1);
    assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();
  }

  private void select(String selector) {
    WebElement input = browser.findElement(By.id("select-match"));
    input.clear();
    input.sendKeys(selector);
    browser.findElement(By.id("select-show")).click();
  }

  private static List<WebElement> visibleGroups() {
    return groups().stream().filter(WebElement::isDisplayed).toList();
  }

  @Test
  void statusTabShowsBuildInformationAndFlags() {
    assertThat(browser.findElement(By.id("status")).isDisplayed()).isFalse();
    browser.findElement(By.id("status-tab")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("status")));
    assertThat(browser.findElement(By.id("metrics")).isDisplayed()).isFalse();
    assertThat(browser.findElement(By.id("flags")).getText())
        .contains("web.enable-admin-api true", "web.listen-address 127.0.0.1:0");
    assertThat(browser.findElement(By.id("build-info")).getText()).contains("javaVersion");
    assertThat(browser.findElement(By.id("runtime")).getText()).startsWith("Started 20");

    // the same page at /status, opened on the Status tab through the fragment
    browser.get(gw.url("/status#status"));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("flags")));
    browser.findElement(By.id("metrics-tab")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("metrics")));
  }

  @Test
  void thePageAsOfARecordedInstantShowsTheOldValueMarkedAsPast() {
    String asOf = Instant.now().toString(); // after {job="ui"} holds 3 (twoGroups waits for it)
    Await.until(VISIBLE, "a later instant", () -> Instant.now().isAfter(Instant.parse(asOf)));
    gw.push(EMPTY_GROUP, "# TYPE ui_runs_total counter\nui_runs_total 4\n");
    Await.until(VISIBLE, "4 in the store", () -> gw.scrape().contains("job=\"ui\"} 4"));

    browser.get(gw.url("/"));
    WebElement at = browser.findElement(By.id("at"));
    at.sendKeys(asOf);
    browser.findElement(By.id("at-show")).click();
    WebElement banner = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("as-of")));
    assertThat(banner.getText()).contains("as of 20").contains("Back to now");
    assertThat(browser.getCurrentUrl()).contains("status?at=");
    assertThat(browser.findElements(By.cssSelector("button.delete-group"))).isEmpty();
    assertThat(browser.findElements(By.id("del-all"))).isEmpty();
    assertThat(runsTotal()).isEqualTo("3");

    browser.findElement(By.id("at-now")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("as-of")));
    assertThat(runsTotal()).isEqualTo("4");
  }

  @Test
  void aGroupsTimelineListsItsPushesNewestFirstWithAChartOfTheSeries() {
    // a group of its own: the history of the two above goes on across tests (a wipe is a DELETE)
    String group = "job/ui-history/run/" + UUID.randomUUID();
    gw.push(group, "# TYPE hist_value gauge\nhist_value 1\n");
    gw.push(group, "# TYPE hist_value gauge\nhist_value 5\n");
    assertThat(gw.send("PUT", "/metrics/" + group, "hist_value 9 1700000000000\n").statusCode())
        .isEqualTo(400); // a timestamp: rejected, and kept in the history as such
    gw.push(group, "# TYPE hist_value gauge\nhist_value 3\n");
    Await.until(
        VISIBLE,
        "four pushes in the history",
        () ->
            gw.send("GET", "/api/v1/history/" + group, null).body().split("\"time\"").length == 5);

    browser.get(gw.url("/"));
    WebElement panel =
        groups().stream()
            .filter(g -> summaryLabels(g).contains("job=\"ui-history\""))
            .findFirst()
            .orElseThrow();
    panel.findElement(By.cssSelector("a.history-link")).click();
    WebElement timeline =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("timeline")));
    List<WebElement> rows = timeline.findElements(By.cssSelector("tbody tr"));
    assertThat(rows)
        .extracting(r -> r.findElement(By.cssSelector("td.outcome span.outcome")).getText())
        .containsExactly("applied", "rejected", "applied", "applied");
    assertThat(rows)
        .extracting(r -> r.findElement(By.cssSelector("td.method")).getText())
        .containsOnly("PUT");
    List<String> times =
        rows.stream().map(r -> r.findElement(By.cssSelector("time")).getText()).toList();
    assertThat(times).isSortedAccordingTo(Comparator.reverseOrder()); // newest first
    assertThat(rows.get(1).findElement(By.cssSelector("td.outcome")).getText())
        .contains("timestamp");
    assertThat(rows.get(0).findElement(By.cssSelector("td.ingest-node")).getText()).isNotEmpty();

    // three applied pushes of hist_value: three points, labelled with its min and max
    WebElement chart = browser.findElement(By.id("chart"));
    assertThat(chart.findElements(By.cssSelector("circle.point"))).hasSize(3);
    assertThat(chart.findElement(By.cssSelector("polyline")).getDomAttribute("points").split(" "))
        .hasSize(3);
    assertThat(browser.findElement(By.id("chart-max")).getText()).isEqualTo("max 5");
    assertThat(browser.findElement(By.id("chart-min")).getText()).isEqualTo("min 1");
    assertThat(browser.findElement(By.id("api-link")).getDomAttribute("href"))
        .startsWith("api/v1/history/job@base64/");
  }

  @Test
  void aBadAtShowsTheErrorOnThePage() {
    browser.get(gw.url("/status?at=not-a-time"));
    WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
    assertThat(error.getText()).startsWith("bad at: ");
    assertThat(groups()).isEmpty();
    assertThat(browser.findElement(By.id("at")).getDomProperty("value")).isEqualTo("not-a-time");
    assertThat(gw.send("GET", "/status?at=not-a-time", null).statusCode()).isEqualTo(400);
  }

  /** The value of {@code ui_runs_total} in the first group's panel. */
  private static String runsTotal() {
    WebElement group = groups().get(0);
    open(group);
    WebElement counter = family(group, "ui_runs_total");
    open(counter);
    return counter.findElement(By.cssSelector("td.value")).getText();
  }

  private static int groupsInStore() {
    String body = gw.send("GET", "/api/v1/metrics", null).body();
    return body.split("\"last_push_successful\"", -1).length - 1;
  }

  private static List<WebElement> groups() {
    return browser.findElements(By.cssSelector("details.group"));
  }

  private static List<String> summaryLabels(WebElement group) {
    return group.findElements(By.cssSelector(":scope > summary > .label")).stream()
        .map(WebElement::getText)
        .toList();
  }

  private static WebElement family(WebElement group, String name) {
    return group.findElements(By.cssSelector("details.family")).stream()
        .filter(f -> f.findElement(By.cssSelector("code.name")).getText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no family " + name));
  }

  private static void open(WebElement details) {
    details.findElement(By.cssSelector(":scope > summary")).click();
    wait.until(d -> details.getDomAttribute("open") != null);
  }

  private static void deleteGroup(WebElement group) {
    int before = groups().size();
    group.findElement(By.cssSelector("button.delete-group")).click();
    assertThat(browser.findElement(By.id("confirm-msg")).getText())
        .startsWith("Do you really want to delete all metrics of group {job=");
    confirm();
    wait.until(d -> groups().size() == before - 1);
    wait.until(ExpectedConditions.stalenessOf(group));
  }

  private static void confirm() {
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm"))); // modal open
    browser.findElement(By.id("confirm-ok")).click();
  }
}
