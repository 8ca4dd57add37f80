package dev.tpucost.hlo.fuzz;

import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.HloValidationException;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.hlo.HloParseException;
import dev.tpucost.hlo.binary.HloProtoReader;
import dev.tpucost.hlo.text.HloTextParser;
import java.nio.charset.StandardCharsets;

/**
 * The readers' contract on any input: a valid module, whose kernels can be extracted, costed and tiled, or
 * an {@link HloParseException}; never another exception, and never more than a second per input. The heap
 * of the JVM running the fuzz tests is capped (see the module's pom), so allocating in proportion to a
 * number read from the input shows up as an {@code OutOfMemoryError}.
 */
public final class Contract {
  /** Longest a single input may take (wall clock, generous for a loaded CI machine). */
  static final long LIMIT_NANOS = 1_000_000_000L;

  private Contract() {}

  /** HLO text. */
  public static void text(byte[] data) {
    long t0 = System.nanoTime();
    HloModule m;
    try {
      m = HloTextParser.parse(new String(data, StandardCharsets.UTF_8), "fuzz.hlo");
    } catch (HloParseException expected) {
      check(expected, t0);
      return;
    }
    use(m);
    time(t0);
  }

  /** A binary HloModuleProto, HloProto or HloSnapshot. */
  public static void proto(byte[] data) {
    long t0 = System.nanoTime();
    HloModule m;
    try {
      m = HloProtoReader.read(data, "fuzz.pb").module();
    } catch (HloParseException expected) {
      check(expected, t0);
      return;
    }
    use(m);
    time(t0);
  }

  /**
   * A TpuGraphs tuning file: its kernels, each extracted, tiled at every tile run's bounds it accepts; or an
   * {@link HloParseException} naming the file (and the field path).
   */
  public static void tuning(byte[] data) {
    long t0 = System.nanoTime();
    java.util.List<dev.tpucost.hlo.tuning.TunedKernel> kernels;
    try {
      kernels = dev.tpucost.hlo.tuning.TuningFiles.parse(data, "fuzz.pb");
    } catch (HloParseException expected) {
      check(expected, t0);
      return;
    }
    for (var t : kernels) {
      try {
        Kernel k = t.kernel();
        TileSpace space = TileSpace.of(k, ChipSpec.V3);
        for (var run : t.measurements()) {
          space.check(run.tile().orElseThrow());
        }
      } catch (HloValidationException expected) {
        if (expected.getMessage() == null || expected.getMessage().isBlank()) {
          throw new AssertionError("a validation error needs a message", expected);
        }
      }
    }
    time(t0);
  }

  /**
   * What a caller does with a module: extract its kernels, cost them, and find each one's default tile. A
   * module that parses but is beyond what tpucost can cost is refused with a (documented)
   * {@link HloValidationException} naming the instruction.
   */
  private static void use(HloModule m) {
    try {
      for (Kernel k : Kernels.of(m)) {
        k.stats();
        TileSpace.of(k, ChipSpec.V4).defaultConfig();
      }
    } catch (HloValidationException expected) {
      if (expected.getMessage() == null || expected.getMessage().isBlank()) {
        throw new AssertionError("a validation error needs a message", expected);
      }
    }
  }

  private static void check(HloParseException e, long t0) {
    if (e.getMessage() == null || !e.getMessage().contains("fuzz.")) {
      throw new AssertionError("a parse error must name its source: " + e.getMessage(), e);
    }
    time(t0);
  }

  /** Inputs before the limit applies: the first ones pay for class loading, instrumentation and the JIT. */
  static final int WARM_UP = 50;

  private static final java.util.concurrent.atomic.AtomicInteger CALLS = new java.util.concurrent.atomic.AtomicInteger();

  private static void time(long t0) {
    long took = System.nanoTime() - t0;
    if (CALLS.incrementAndGet() > WARM_UP && took > LIMIT_NANOS) {
      throw new AssertionError("one input took " + took / 1_000_000 + " ms (limit " + LIMIT_NANOS / 1_000_000 + " ms)");
    }
  }
}
