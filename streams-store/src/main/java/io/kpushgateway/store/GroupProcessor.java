package io.kpushgateway.store;

import io.kpushgateway.core.model.GroupState;
import io.kpushgateway.kafka.Stores;
import io.kpushgateway.proto.GroupRecord;
import io.kpushgateway.proto.PushRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Applies each push to its group with the pure {@link GroupState#apply}; nothing else. */
final class GroupProcessor implements Processor<Bytes, PushRecord, Void, Void> {

  private KeyValueStore<Bytes, byte[]> groups;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    groups = context.getStateStore(Stores.GROUPS);
  }

  @Override
  public void process(Record<Bytes, PushRecord> push) {
    if (push.key() == null || push.value() == null) {
      return; // not a push (e.g. a record another tool wrote): nothing to apply
    }
    byte[] stored = groups.get(push.key());
    GroupRecord current = stored == null ? null : StoredGroups.parse(stored);
    GroupRecord next = GroupState.apply(current, push.value());
    if (next == null) {
      groups.delete(push.key());
    } else {
      groups.put(push.key(), next.toByteArray());
    }
  }
}
