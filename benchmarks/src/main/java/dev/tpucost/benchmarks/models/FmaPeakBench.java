package dev.tpucost.benchmarks.models;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One core's fp32 FMA peak, the yardstick of the encoder's multiply-add rate ({@link GnnForwardBench}): twelve
 * independent chains of vector FMAs of the JVM's preferred width (enough to cover an FMA's latency on two FMA
 * units), so the loop is bound by the FMA units alone. Score: vector FMAs per microsecond; times the lanes
 * printed at setup, fp32 multiply-adds per microsecond (thousands: G MAC/s). Its fork adds the Vector API
 * module itself. The result is returned, so the loop is not dead code.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class FmaPeakBench {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int STEPS = 1000;

  /** Multiplier and addend, fields so the JIT cannot fold them. */
  public float x = 0.999_999f;
  public float y = 1e-7f;

  /** Prints the vector width. */
  @Setup
  public void setUp() {
    System.out.printf("%n[FmaPeakBench] %d fp32 lanes per vector (%d bits): multiply-adds/us = score x %d%n",
        S.length(), S.vectorBitSize(), S.length());
  }

  /** {@value #STEPS} steps of twelve independent vector FMAs. */
  @Benchmark
  @OperationsPerInvocation(12 * STEPS)
  public float fma() {
    FloatVector m = FloatVector.broadcast(S, x);
    FloatVector c = FloatVector.broadcast(S, y);
    FloatVector a0 = FloatVector.broadcast(S, 1f);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector a4 = a0;
    FloatVector a5 = a0;
    FloatVector a6 = a0;
    FloatVector a7 = a0;
    FloatVector a8 = a0;
    FloatVector a9 = a0;
    FloatVector a10 = a0;
    FloatVector a11 = a0;
    for (int i = 0; i < STEPS; i++) {
      a0 = a0.fma(m, c);
      a1 = a1.fma(m, c);
      a2 = a2.fma(m, c);
      a3 = a3.fma(m, c);
      a4 = a4.fma(m, c);
      a5 = a5.fma(m, c);
      a6 = a6.fma(m, c);
      a7 = a7.fma(m, c);
      a8 = a8.fma(m, c);
      a9 = a9.fma(m, c);
      a10 = a10.fma(m, c);
      a11 = a11.fma(m, c);
    }
    return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
        .reduceLanes(VectorOperators.ADD);
  }
}
