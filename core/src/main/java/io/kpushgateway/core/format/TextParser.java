package io.kpushgateway.core.format;

import io.kpushgateway.core.validate.NameValidationScheme;
import io.kpushgateway.core.validate.PushMeter;
import io.kpushgateway.core.validate.PushRejectedException;
import io.prometheus.client.Metrics.Bucket;
import io.prometheus.client.Metrics.LabelPair;
import io.prometheus.client.Metrics.Metric;
import io.prometheus.client.Metrics.MetricFamily;
import io.prometheus.client.Metrics.MetricType;
import io.prometheus.client.Metrics.Quantile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Parser for the Prometheus text format 0.0.4, accepting and rejecting what the Pushgateway's
 * parser (prometheus/common expfmt) does, with the same error texts: {@code text format parsing
 * error in line N: ...}. Names may be written plain or quoted, the UTF-8 syntax of
 * prometheus/common ({@code {"metric.name","label.name"="v"} 1}, {@code # TYPE "metric.name"
 * counter}); a quoted name must still pass the {@link NameValidationScheme} given (legacy unless
 * the Pushgateway runs with {@code --push.enable-utf8-names}), so legacy parsing refuses {@code
 * {"a.b"} 1} with {@code invalid metric name "a.b"}.
 *
 * <p>A byte-level state machine, one method per state, reading the stream once through its own
 * buffer. A counter, gauge or untyped series is built at the end of its line, so the parser holds
 * one copy of it; strings and values that repeat (metric and label names, most label values, 0 and
 * 1) are shared. What it deliberately leaves to the caller, as upstream does: duplicate series,
 * sorting, and rules about timestamps or reserved {@code __} label names.
 *
 * <p>Summaries and histograms are reassembled from their {@code quantile}/{@code _bucket}, {@code
 * _sum} and {@code _count} lines by label set (without {@code quantile}/{@code le}), even when
 * those lines are not adjacent; an absent {@code _sum} or {@code _count} stays unset (reads as 0).
 * A line of such a family that matches none of those roles (no {@code quantile} label, a bucket
 * without {@code le}) creates the metric but contributes no value, exactly like expfmt.
 */
public final class TextParser {

  private static final int EOF = -1;

  // What the parser holds, roughly (64-bit JVM, compressed oops), asked of the PushMeter as it
  // goes: a built series with its label list, value and share of the family's list; one label
  // with its value string; a summary or histogram series under assembly with its signature.
  // Measured against the heap a parse holds: 1.0-1.3x for series with one to four labels, 1.1x
  // for 100,000 families of one series.
  private static final int HEAP_PER_FAMILY = 200;
  private static final int HEAP_PER_SERIES = 160;
  private static final int HEAP_PER_LABEL = 80;
  private static final int HEAP_PER_ASSEMBLED_SERIES = 640;

  private enum State {
    START_OF_LINE,
    START_COMMENT,
    READING_METRIC_NAME,
    READING_LABELS,
    START_LABEL_NAME,
    START_LABEL_VALUE,
    READING_VALUE,
    START_TIMESTAMP,
    READING_HELP,
    READING_TYPE,
    DONE
  }

  /** A family under construction; kept in order of first appearance. */
  private static final class Family {
    final String name;
    String help; // null until a HELP line
    MetricType type; // null until a TYPE line or the first sample

    /** Counter, gauge and untyped series, built. */
    final List<Metric> series = new ArrayList<>();

    /** Summary and histogram series, assembled from several lines. */
    final List<Metric.Builder> metrics = new ArrayList<>();

    /** Summary/histogram metrics by their label set without quantile/le. */
    Map<Map<String, String>, Metric.Builder> bySignature;

    Family(String name) {
      this.name = name;
    }

    boolean isSummary() {
      return type == MetricType.SUMMARY;
    }

    boolean isHistogram() {
      return type == MetricType.HISTOGRAM;
    }
  }

  private final InputStream in;
  private final NameValidationScheme names;
  private final PushMeter meter;
  private final UnaryOperator<List<LabelPair>> labels;
  private final TokenStrings nameStrings = new TokenStrings(256);
  private final TokenStrings valueStrings = new TokenStrings(1024);
  private final SampleValues values = new SampleValues();
  // a typical push is a few KiB: a larger buffer is mostly zeroed for nothing on each parse
  private final byte[] buf = new byte[8 * 1024];
  private int pos;
  private int limit;

  private int line;
  private int cur; // the byte most recently read
  // the line began with '{': the metric name is one of the (quoted) items inside the braces
  private boolean nameInsideBraces;

  private byte[] token = new byte[128];
  private int tokenLength;

  private final Map<String, Family> families = new LinkedHashMap<>();
  private Family family;
  private Metric.Builder metric;
  private boolean isSum;
  private boolean isCount;

  // Labels of the current sample, added to the metric at '}'; values set after the name.
  private final List<String> labelNames = new ArrayList<>();
  private final List<String> labelValues = new ArrayList<>();
  private List<LabelPair> lineLabelPairs = List.of(); // the labels of the sample, as written
  private final Set<String> labelNameSet = new HashSet<>();
  private String labelName;
  private boolean labelKept;
  private int lineLabels; // label pairs of the current sample line, for the meter
  // Summary/histogram only.
  private Map<String, String> signature;
  private double quantile;
  private double bucket;

  private TextParser(
      InputStream in,
      NameValidationScheme names,
      PushMeter meter,
      UnaryOperator<List<LabelPair>> labels) {
    this.in = in;
    this.names = names;
    this.meter = meter;
    this.labels = labels;
  }

  /**
   * Parses a whole text-format body. Returns the families in order of first appearance, without
   * those that got HELP or TYPE lines but no sample.
   *
   * @throws PushRejectedException (malformed) with upstream's message for any syntax error
   * @throws IOException if reading the stream fails
   */
  public static List<MetricFamily> parse(InputStream in) throws IOException {
    return parse(in, NameValidationScheme.LEGACY);
  }

  /**
   * Like {@link #parse(InputStream)}, with metric and label names checked by {@code names}.
   *
   * @throws PushRejectedException (malformed) with upstream's message for any syntax error
   * @throws IOException if reading the stream fails
   */
  public static List<MetricFamily> parse(InputStream in, NameValidationScheme names)
      throws IOException {
    return parse(in, names, PushMeter.unlimited(), UnaryOperator.identity());
  }

  /**
   * Parses a push body: families, series and labels counted by {@code meter} as they are read, so a
   * body over a limit is refused at the first excess; each series labelled with what {@code labels}
   * makes of its labels as written (the sanitizer of the push's group), so that it is built once,
   * as it will be stored.
   *
   * @throws PushRejectedException (malformed) with upstream's message for any syntax error, or from
   *     {@code meter} or {@code labels}
   * @throws IOException if reading the stream fails
   */
  public static List<MetricFamily> parse(
      InputStream in,
      NameValidationScheme names,
      PushMeter meter,
      UnaryOperator<List<LabelPair>> labels)
      throws IOException {
    return new TextParser(in, names, meter, labels).run();
  }

  private List<MetricFamily> run() throws IOException {
    State state = State.START_OF_LINE;
    while (state != State.DONE) {
      state =
          switch (state) {
            case START_OF_LINE -> startOfLine();
            case START_COMMENT -> startComment();
            case READING_METRIC_NAME -> readingMetricName();
            case READING_LABELS -> readingLabels();
            case START_LABEL_NAME -> startLabelName();
            case START_LABEL_VALUE -> startLabelValue();
            case READING_VALUE -> readingValue();
            case START_TIMESTAMP -> startTimestamp();
            case READING_HELP -> readingHelp();
            case READING_TYPE -> readingType();
            case DONE -> throw new IllegalStateException();
          };
    }
    List<MetricFamily> out = new ArrayList<>(families.size());
    for (Family f : families.values()) {
      if (f.series.isEmpty() && f.metrics.isEmpty()) {
        continue;
      }
      MetricFamily.Builder b = MetricFamily.newBuilder().setName(f.name).setType(f.type);
      if (f.help != null) {
        b.setHelp(f.help);
      }
      b.addAllMetric(f.series);
      for (Metric.Builder m : f.metrics) {
        b.addMetric(m);
      }
      out.add(b.build());
    }
    return out;
  }

  // ---- states -------------------------------------------------------------------------------

  private State startOfLine() throws IOException {
    line++;
    // The only place where the input may end.
    do {
      cur = readByte();
      if (cur == EOF) {
        return State.DONE;
      }
    } while (isBlankOrTab(cur));
    nameInsideBraces = false;
    return switch (cur) {
      case '#' -> State.START_COMMENT;
      case '\n' -> State.START_OF_LINE;
      case '{' -> startInsideBraces();
      default -> State.READING_METRIC_NAME;
    };
  }

  /** {@code {"name",...}}: the family is known only once the name item is read. */
  private State startInsideBraces() {
    nameInsideBraces = true;
    family = null;
    metric = Metric.newBuilder();
    clearLabels();
    lineLabels = 0;
    signature = null;
    return State.START_LABEL_NAME;
  }

  private State startComment() throws IOException {
    skipBlankTab();
    if (cur == '\n') {
      return State.START_OF_LINE;
    }
    readTokenUntilWhitespace();
    if (cur == '\n') {
      return State.START_OF_LINE;
    }
    boolean help = tokenEquals("HELP");
    if (!help && !tokenEquals("TYPE")) {
      while (cur != '\n') { // any other comment is ignored
        next();
      }
      return State.START_OF_LINE;
    }
    skipBlankTab();
    readTokenAsMetricName();
    if (cur == '\n') {
      return State.START_OF_LINE;
    }
    if (!isBlankOrTab(cur)) {
      throw error("invalid metric name in comment");
    }
    setOrCreateFamily(metricNameToken());
    skipBlankTab();
    if (cur == '\n') {
      return State.START_OF_LINE;
    }
    return help ? State.READING_HELP : State.READING_TYPE;
  }

  private State readingMetricName() throws IOException {
    readTokenAsMetricName();
    if (tokenLength == 0) {
      throw error("invalid metric name");
    }
    startSample(metricNameToken());
    clearLabels();
    lineLabels = 0;
    if (isBlankOrTab(cur)) {
      skipBlankTab();
    }
    return State.READING_LABELS;
  }

  private State readingLabels() {
    return cur == '{' ? State.START_LABEL_NAME : State.READING_VALUE;
  }

  /** The sample's family is known: a fresh metric, and for summaries/histograms their state. */
  private void startSample(String name) {
    setOrCreateFamily(name);
    if (family.type == null) {
      family.type = MetricType.UNTYPED;
    }
    metric = Metric.newBuilder();
    if (family.isSummary() || family.isHistogram()) {
      signature = new TreeMap<>();
      quantile = Double.NaN;
      bucket = Double.NaN;
    }
  }

  private State startLabelName() throws IOException {
    skipBlankTab();
    if (cur == '}') {
      return endOfLabels();
    }
    readTokenAsLabelName();
    if (tokenLength == 0) {
      throw error("invalid label name for metric " + GoSyntax.quote(familyName()));
    }
    if (isBlankOrTab(cur)) {
      skipBlankTab();
    }
    if (cur != '=') {
      if (nameInsideBraces) {
        return metricNameInsideBraces();
      }
      throw error("expected '=' after label name, found " + GoSyntax.quoteByte(cur));
    }
    if (!GoSyntax.isValidUtf8(token, 0, tokenLength)) {
      throw error("invalid label name " + GoSyntax.quote(token, 0, tokenLength));
    }
    labelName = nameStrings.get(token, tokenLength);
    if (!names.isValidLabelName(labelName)) {
      throw error("invalid label name " + GoSyntax.quote(token, 0, tokenLength));
    }
    meter.labels(familyName(), ++lineLabels);
    meter.labelName(familyName(), labelName, tokenLength);
    if (labelName.equals("__name__")) {
      throw error("label name \"__name__\" is reserved");
    }
    // quantile and le become Quantile/Bucket fields instead of labels; before the name of a
    // {"name",...} line the family is unknown, and they are sorted out when it is read.
    labelKept =
        family == null
            || !(family.isSummary() && labelName.equals("quantile"))
                && !(family.isHistogram() && labelName.equals("le"));
    if (labelKept) {
      if (!addLabelName(labelName)) {
        // familyName(): in {a="1",a="2",...} the name may come later, as in Go (empty until then)
        throw error("duplicate label names for metric " + GoSyntax.quote(familyName()));
      }
      labelValues.add("");
    }
    return State.START_LABEL_VALUE;
  }

  /** An item without {@code =} inside the braces of a {@code {"name",...}} line: the name. */
  private State metricNameInsideBraces() throws IOException {
    if (family != null) {
      throw error("multiple metric names for metric " + GoSyntax.quote(family.name));
    }
    if (cur != ',' && cur != '}') {
      throw error("unexpected end of metric name " + GoSyntax.quoteByte(cur));
    }
    String name = metricNameToken();
    startSample(name);
    if (family.isSummary() || family.isHistogram()) {
      sortOutEarlierLabels();
    }
    return cur == ',' ? State.START_LABEL_NAME : endOfLabels();
  }

  /** Labels written before the name of a summary/histogram: pick out quantile/le now. */
  private void sortOutEarlierLabels() {
    for (int i = 0; i < labelNames.size(); i++) {
      String label = labelNames.get(i);
      String value = labelValues.get(i);
      if (family.isSummary() && label.equals("quantile")) {
        quantile = parseLabelFloat(value, "quantile");
      } else if (family.isHistogram() && label.equals("le")) {
        bucket = parseLabelFloat(value, "le");
      } else {
        signature.put(label, value);
        continue;
      }
      labelNames.remove(i);
      labelValues.remove(i);
      labelNameSet.remove(label);
      i--;
    }
  }

  private State startLabelValue() throws IOException {
    skipBlankTab();
    if (cur != '"') {
      throw error("expected '\"' at start of label value, found " + GoSyntax.quoteByte(cur));
    }
    readTokenAsLabelValue();
    if (!GoSyntax.isValidUtf8(token, 0, tokenLength)) {
      throw error("invalid label value " + GoSyntax.quote(token, 0, tokenLength));
    }
    meter.labelValue(familyName(), labelName, tokenLength);
    meter.charge(HEAP_PER_LABEL + tokenLength);
    String value = valueStrings.get(token, tokenLength);
    if (labelKept) {
      labelValues.set(labelValues.size() - 1, value);
    }
    if (family == null) {
      // before the name inside braces: sorted out once the family is known
    } else if (family.isSummary()) {
      if (labelName.equals("quantile")) {
        quantile = parseLabelFloat(value, "quantile");
      } else {
        signature.put(labelName, value);
      }
    }
    if (family != null && family.isHistogram()) {
      if (labelName.equals("le")) {
        bucket = parseLabelFloat(value, "le");
      } else {
        signature.put(labelName, value);
      }
    }
    skipBlankTab();
    return switch (cur) {
      case ',' -> State.START_LABEL_NAME;
      case '}' -> endOfLabels();
      default -> throw error("unexpected end of label value " + GoSyntax.quote(value));
    };
  }

  private State endOfLabels() throws IOException {
    if (family == null) {
      throw error("invalid metric name"); // braces without a name item
    }
    List<LabelPair> pairs = new ArrayList<>(labelNames.size());
    for (int i = 0; i < labelNames.size(); i++) {
      pairs.add(
          LabelPair.newBuilder().setName(labelNames.get(i)).setValue(labelValues.get(i)).build());
    }
    lineLabelPairs = pairs;
    clearLabels();
    skipBlankTab();
    return State.READING_VALUE;
  }

  private State readingValue() throws IOException {
    if (family.isSummary() || family.isHistogram()) {
      // Only now, with all labels read, is it known whether this series exists already.
      if (family.bySignature == null) {
        family.bySignature = new HashMap<>();
      }
      Metric.Builder existing = family.bySignature.putIfAbsent(signature, metric);
      if (existing != null) {
        metric = existing;
      } else {
        meter.series();
        meter.charge(HEAP_PER_ASSEMBLED_SERIES);
        metric.addAllLabel(labels.apply(lineLabelPairs));
        family.metrics.add(metric);
      }
    } else {
      meter.series();
      meter.charge(HEAP_PER_SERIES);
      metric.addAllLabel(labels.apply(lineLabelPairs));
    }
    lineLabelPairs = List.of();
    readTokenUntilWhitespace();
    double value;
    try {
      value = GoSyntax.parseFloat(token, 0, tokenLength);
    } catch (NumberFormatException e) {
      throw error("expected float as value, got " + GoSyntax.quote(token, 0, tokenLength));
    }
    switch (family.type) {
      case COUNTER -> metric.setCounter(values.counter(value));
      case GAUGE -> metric.setGauge(values.gauge(value));
      case UNTYPED -> metric.setUntyped(values.untyped(value));
      case SUMMARY -> {
        var summary = metric.getSummaryBuilder();
        if (isCount) {
          summary.setSampleCount(goUint64(value));
        } else if (isSum) {
          summary.setSampleSum(value);
        } else if (!Double.isNaN(quantile)) {
          summary.addQuantile(Quantile.newBuilder().setQuantile(quantile).setValue(value));
        }
      }
      case HISTOGRAM -> {
        var histogram = metric.getHistogramBuilder();
        if (isCount) {
          histogram.setSampleCount(goUint64(value));
        } else if (isSum) {
          histogram.setSampleSum(value);
        } else if (!Double.isNaN(bucket)) {
          histogram.addBucket(
              Bucket.newBuilder().setUpperBound(bucket).setCumulativeCount(goUint64(value)));
        }
      }
      default -> throw new IllegalStateException("type " + family.type);
    }
    if (cur != '\n') {
      return State.START_TIMESTAMP;
    }
    endOfSample();
    return State.START_OF_LINE;
  }

  /** A counter, gauge or untyped series is complete at the end of its line. */
  private void endOfSample() {
    if (!family.isSummary() && !family.isHistogram()) {
      family.series.add(metric.build());
    }
  }

  private State startTimestamp() throws IOException {
    skipBlankTab();
    readTokenUntilWhitespace();
    try {
      metric.setTimestampMs(GoSyntax.parseInt64(token, 0, tokenLength));
    } catch (NumberFormatException e) {
      throw error("expected integer as timestamp, got " + GoSyntax.quote(token, 0, tokenLength));
    }
    readTokenUntilNewline(false);
    if (tokenLength > 0) {
      throw error("spurious string after timestamp: " + GoSyntax.quote(token, 0, tokenLength));
    }
    endOfSample();
    return State.START_OF_LINE;
  }

  private State readingHelp() throws IOException {
    if (family.help != null) {
      throw error("second HELP line for metric name " + GoSyntax.quote(family.name));
    }
    readTokenUntilNewline(true);
    if (!GoSyntax.isValidUtf8(token, 0, tokenLength)) {
      // Go keeps the raw bytes; a Java String cannot, so refuse rather than alter the text.
      throw error("invalid UTF-8 in HELP for metric name " + GoSyntax.quote(family.name));
    }
    meter.charge(2L * tokenLength);
    family.help = new String(token, 0, tokenLength, StandardCharsets.UTF_8);
    return State.START_OF_LINE;
  }

  private State readingType() throws IOException {
    if (family.type != null) {
      throw error(
          "second TYPE line for metric name "
              + GoSyntax.quote(family.name)
              + ", or TYPE reported after samples");
    }
    readTokenUntilNewline(false);
    MetricType type = typeOf(new String(token, 0, tokenLength, StandardCharsets.UTF_8));
    if (type == null) {
      throw error("unknown metric type " + GoSyntax.quote(token, 0, tokenLength));
    }
    family.type = type;
    return State.START_OF_LINE;
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** The five text-format types, case-insensitive like upstream. */
  private static MetricType typeOf(String word) {
    return switch (word.toUpperCase(Locale.ROOT)) {
      case "COUNTER" -> MetricType.COUNTER;
      case "GAUGE" -> MetricType.GAUGE;
      case "SUMMARY" -> MetricType.SUMMARY;
      case "UNTYPED" -> MetricType.UNTYPED;
      case "HISTOGRAM" -> MetricType.HISTOGRAM;
      default -> null;
    };
  }

  /**
   * Finds the family a sample or comment name belongs to: the exact name first, then a summary or
   * histogram it is the {@code _sum}/{@code _count}/{@code _bucket} of; else a new family.
   */
  private void setOrCreateFamily(String name) {
    isSum = false;
    isCount = false;
    family = families.get(name);
    if (family != null) {
      return;
    }
    boolean count = name.length() > 6 && name.endsWith("_count");
    boolean sum = !count && name.length() > 4 && name.endsWith("_sum");
    boolean bucketSuffix = !count && !sum && name.length() > 7 && name.endsWith("_bucket");
    if (count || sum || bucketSuffix) {
      String base = name.substring(0, name.length() - (count ? 6 : sum ? 4 : 7));
      Family f = families.get(base);
      if (f != null && (f.isHistogram() || (f.isSummary() && !bucketSuffix))) {
        family = f;
        isCount = count;
        isSum = sum;
        return;
      }
    }
    meter.family(name, name.getBytes(StandardCharsets.UTF_8).length);
    meter.charge(HEAP_PER_FAMILY + 2L * name.length());
    family = new Family(name);
    families.put(name, family);
  }

  /** Adds a label name of the current sample; false if it is there already. */
  private boolean addLabelName(String name) {
    int n = labelNames.size();
    if (n < 16) {
      for (int i = 0; i < n; i++) {
        if (labelNames.get(i).equals(name)) {
          return false;
        }
      }
    } else {
      // Many labels on one line: a set keeps the whole line linear.
      if (labelNameSet.isEmpty()) {
        labelNameSet.addAll(labelNames);
      }
      if (!labelNameSet.add(name)) {
        return false;
      }
    }
    labelNames.add(name);
    return true;
  }

  private void clearLabels() {
    labelNames.clear();
    labelValues.clear();
    labelNameSet.clear();
  }

  private double parseLabelFloat(String value, String label) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    try {
      return GoSyntax.parseFloat(b, 0, b.length);
    } catch (NumberFormatException e) {
      throw error(
          "expected float as value for '" + label + "' label, got " + GoSyntax.quote(value));
    }
  }

  /**
   * Go's {@code uint64(f)} on amd64, which upstream uses for counts: truncation toward zero;
   * negative values wrap; NaN, infinities and values beyond 2^64 give 2^63.
   */
  static long goUint64(double v) {
    if (v < 0x1p63) {
      return (long) v; // Java saturates below -2^63 to the same 0x8000000000000000
    }
    double high = v - 0x1p63;
    long low = high < 0x1p63 ? (long) high : Long.MIN_VALUE;
    return low | Long.MIN_VALUE;
  }

  private PushRejectedException error(String message) {
    return PushRejectedException.malformed(
        "text format parsing error in line " + line + ": " + message);
  }

  // ---- byte input and tokens ----------------------------------------------------------------

  private int readByte() throws IOException {
    if (pos == limit) {
      int n;
      do {
        n = in.read(buf, 0, buf.length);
      } while (n == 0);
      if (n < 0) {
        return EOF;
      }
      pos = 0;
      limit = n;
    }
    return buf[pos++] & 0xff;
  }

  /** Reads the next byte into {@link #cur}; the input may not end here. */
  private void next() throws IOException {
    cur = readByte();
    if (cur == EOF) {
      throw error("unexpected end of input stream");
    }
  }

  private void skipBlankTab() throws IOException {
    do {
      next();
    } while (isBlankOrTab(cur));
  }

  private static boolean isBlankOrTab(int b) {
    return b == ' ' || b == '\t';
  }

  private void append(int b) {
    if (tokenLength == token.length) {
      token = Arrays.copyOf(token, token.length * 2);
    }
    token[tokenLength++] = (byte) b;
  }

  private boolean tokenEquals(String ascii) {
    if (tokenLength != ascii.length()) {
      return false;
    }
    for (int i = 0; i < tokenLength; i++) {
      if (token[i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private String tokenAsUtf8() {
    return new String(token, 0, tokenLength, StandardCharsets.UTF_8);
  }

  /** The name just read, checked by the naming rules in force. */
  private String metricNameToken() {
    // the bytes are checked: a Java string would hide invalid UTF-8 behind U+FFFD
    boolean valid = GoSyntax.isValidUtf8(token, 0, tokenLength);
    String name = valid ? nameStrings.get(token, tokenLength) : tokenAsUtf8();
    if (!valid || !names.isValidMetricName(name)) {
      throw error("invalid metric name " + GoSyntax.quote(token, 0, tokenLength));
    }
    return name;
  }

  /** For messages: the current family's name, or empty before the name of a braces line. */
  private String familyName() {
    return family == null ? "" : family.name;
  }

  /** From the current byte up to (not including) a blank, tab or newline. */
  private void readTokenUntilWhitespace() throws IOException {
    tokenLength = 0;
    while (!isBlankOrTab(cur) && cur != '\n') {
      append(cur);
      next();
    }
  }

  /**
   * From the current byte up to the newline. With escapes, {@code \\} and {@code \n} are decoded
   * and any other escape is an error; without, backslashes are dropped, as upstream does.
   */
  private void readTokenUntilNewline(boolean escapes) throws IOException {
    tokenLength = 0;
    boolean escaped = false;
    while (true) {
      if (escapes && escaped) {
        switch (cur) {
          case '\\' -> append('\\');
          case 'n' -> append('\n');
          default -> throw error("invalid escape sequence '\\" + (char) cur + "'");
        }
        escaped = false;
      } else if (cur == '\n') {
        return;
      } else if (cur == '\\') {
        escaped = true;
      } else {
        append(cur);
      }
      next();
    }
  }

  /**
   * A metric name, plain or (partly) quoted, as expfmt reads it: a quote toggles quoting, inside
   * quotes any byte but a newline counts and {@code \\}, {@code \\n} and {@code \\"} are escapes.
   * Leaves the first byte after the name in {@link #cur}.
   */
  private void readTokenAsMetricName() throws IOException {
    readTokenAsName(true);
  }

  /** Like {@link #readTokenAsMetricName}, without {@code :}. */
  private void readTokenAsLabelName() throws IOException {
    readTokenAsName(false);
  }

  private void readTokenAsName(boolean metric) throws IOException {
    tokenLength = 0;
    if (!isLabelNameStart(cur) && cur != '"' && !(metric && cur == ':')) {
      return;
    }
    boolean quoted = false;
    boolean escaped = false;
    while (true) {
      if (escaped) {
        switch (cur) {
          case '\\' -> append('\\');
          case 'n' -> append('\n');
          case '"' -> append('"');
          default -> throw error("invalid escape sequence '\\" + (char) cur + "'");
        }
        escaped = false;
      } else {
        switch (cur) {
          case '"' -> {
            quoted = !quoted;
            if (!quoted) {
              next();
              return;
            }
          }
          case '\n' ->
              throw error(
                  (metric ? "metric" : "label")
                      + " name "
                      + GoSyntax.quote(token, 0, tokenLength)
                      + " contains unescaped new-line");
          case '\\' -> escaped = true;
          default -> append(cur);
        }
      }
      next();
      boolean continues =
          quoted || isLabelNameStart(cur) || isDigit(cur) || cur == '"' || (metric && cur == ':');
      if (!continues) {
        return;
      }
    }
  }

  /** Starts after the opening quote; leaves the closing quote in {@link #cur}. */
  private void readTokenAsLabelValue() throws IOException {
    tokenLength = 0;
    boolean escaped = false;
    while (true) {
      next();
      if (escaped) {
        switch (cur) {
          case '"', '\\' -> append(cur);
          case 'n' -> append('\n');
          default -> throw error("invalid escape sequence '\\" + (char) cur + "'");
        }
        escaped = false;
        continue;
      }
      switch (cur) {
        case '"' -> {
          return;
        }
        case '\n' ->
            throw error(
                "label value "
                    + GoSyntax.quote(token, 0, tokenLength)
                    + " contains unescaped new-line");
        case '\\' -> escaped = true;
        default -> append(cur);
      }
    }
  }

  private static boolean isLabelNameStart(int b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_';
  }

  private static boolean isDigit(int b) {
    return b >= '0' && b <= '9';
  }
}
