package io.kpushgateway.bench;

import io.kpushgateway.core.model.GroupShapes;
import io.kpushgateway.core.model.GroupingKey;
import io.kpushgateway.core.validate.FamilyCatalog;
import io.kpushgateway.proto.FamilyShape;
import io.kpushgateway.proto.Method;
import io.kpushgateway.proto.PushRecord;
import io.prometheus.client.Metrics.MetricFamily;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The ingest's cross-group check of one PUT to job=x,instance=y, as PushController calls it, in a
 * catalog that holds {@link #otherGroups} groups job=x,instance=y_i with the same 20 family names
 * (a fleet of one exporter), fed their shapes as CatalogView feeds it the store's, and the pushing
 * group's shape from its previous push. Not measured: the gateway's own families (the app's
 * self-metrics; none here), the lock held against other pushes.
 */
public class CatalogBenchmark extends PushBenchmarkDefaults {

  @Param({"1000"})
  int otherGroups;

  private FamilyCatalog catalog;
  private PushRecord push;
  private List<MetricFamily> families;
  private Map<String, FamilyShape> shapes;

  @Setup
  public void setUp() {
    byte[] body = PushFixture.text(PushFixture.PUT_LOAD);
    catalog = new FamilyCatalog();
    for (int i = 0; i < otherGroups; i++) {
      GroupingKey other =
          GroupingKey.of(Map.of(GroupingKey.JOB, "x", GroupingKey.INSTANCE, "y_" + i));
      catalog.put(
          GroupShapes.of(
              PushFixture.group(other, body, PushFixture.RECEIVED_AT), PushFixture.RECEIVED_AT));
    }
    push = PushFixture.push(Method.PUT, PushFixture.KEY, body, PushFixture.RECEIVED_AT + 1);
    families = push.getFamiliesList();
    shapes = catalog.check(PushFixture.KEY, Method.PUT, families);
    catalog.accepted(push, shapes);
  }

  /** FamilyCatalog.check: before the push is published. */
  @Benchmark
  public Map<String, FamilyShape> check() {
    return catalog.check(PushFixture.KEY, Method.PUT, families);
  }

  /**
   * FamilyCatalog.accepted with the shapes the check returned: after the broker acknowledged the
   * push (the node's own read-your-writes). Each run replaces the group's shape by an equal one, as
   * a group pushing the same series again does.
   */
  @Benchmark
  public FamilyCatalog accepted() {
    catalog.accepted(push, shapes);
    return catalog;
  }
}
