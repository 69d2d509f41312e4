package io.kpushgateway.store;

/** This node's share of the partitions: served as active, kept as standby copies. */
public record LocalShare(int active, int standby) {}
