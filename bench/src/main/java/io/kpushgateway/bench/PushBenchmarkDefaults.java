package io.kpushgateway.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The settings every benchmark of one push inherits (JMH reads them from the superclass): the
 * average time of one operation in µs, one fork, 3×1 s of warm-up and 5×1 s measured, so that all
 * of them run in a couple of minutes. Each subclass measures one step of a push's way (see
 * docs/ARCHITECTURE.md) on {@link PushFixture}'s body, its inputs built in its {@code @Setup}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
abstract class PushBenchmarkDefaults {}
