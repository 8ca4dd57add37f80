package dev.tpucost.sim.calibration;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.ComputationBuilder;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.api.shape.ElementType;
import dev.tpucost.api.shape.Shape;
import dev.tpucost.api.tile.TileConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Published matmul timings as simulator calibration samples: the bundled TPU v5e figures of the JAX Pallas
 * TPU matmul guide ({@code calibration/published/v5e-pallas-matmul.tsv}, its source in the file). Each row is a
 * bf16 {@code [n,n] x [n,n]} matmul with blocks {@code (bm, bk, bn)}, i.e. {@code kernel_bounds = bk/8,
 * bn/128} and {@code output_bounds = bm/8, bn/128}, or XLA's own kernel (costed at the default tile); the
 * times are wall times of a call, so a fit needs one dispatch offset for the file ({@link #SOURCE}).
 */
public final class PublishedMatmuls {
  /** The measurement source of every row: the offset a fit learns is this source's dispatch time. */
  public static final String SOURCE = "pallas-wall-time";

  /** The bundled file's resource name. */
  public static final String V5E_RESOURCE = "published/v5e-pallas-matmul.tsv";

  /**
   * One published timing.
   *
   * @param n matrix size
   * @param tile the block as a tile configuration (empty for XLA's own kernel)
   * @param wallNs the published wall time in nanoseconds
   * @param train true if the row is for fitting, false if only for testing the fit
   */
  public record Row(int n, TileConfig tile, double wallNs, boolean train) {
    /** The row as a fitting sample of {@code kernel}. */
    public SimFitter.Sample sample(Kernel kernel) {
      return new SimFitter.Sample("matmul-" + n, SOURCE, kernel, tile, wallNs);
    }
  }

  private PublishedMatmuls() {}

  /** The bundled TPU v5e rows. */
  public static List<Row> v5e() {
    try (InputStream in = PublishedMatmuls.class.getResourceAsStream(V5E_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + V5E_RESOURCE);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), V5E_RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rows of a TSV ({@code n bm bk bn wall_ms role}, {@code #} comments, one header line). */
  public static List<Row> parse(String tsv, String source) {
    ImmutableList.Builder<Row> out = ImmutableList.builder();
    String[] lines = tsv.split("\n");
    boolean header = true;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (header) {
        header = false;
        continue;
      }
      String[] f = line.split("\t");
      checkArgument(f.length == 6, "%s line %s: 6 tab-separated fields expected, got %s", source, i + 1, f.length);
      try {
        int n = Integer.parseInt(f[0]);
        int bm = Integer.parseInt(f[1]);
        int bk = Integer.parseInt(f[2]);
        int bn = Integer.parseInt(f[3]);
        double ms = Double.parseDouble(f[4]);
        checkArgument(f[5].equals("train") || f[5].equals("test"), "%s line %s: role must be train or test", source, i + 1);
        TileConfig tile = bm == 0 ? TileConfig.EMPTY
            : TileConfig.of(new long[] {bk / 8, bn / 128}, new long[] {bm / 8, bn / 128});
        out.add(new Row(n, tile, ms * 1e6, f[5].equals("train")));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(source + " line " + (i + 1) + ": not a number: " + e.getMessage(), e);
      }
    }
    return out.build();
  }

  /** The kernel of a bf16 {@code [n,n] x [n,n]} matmul with row-major operands. */
  public static Kernel matmul(int n) {
    ComputationBuilder b = ComputationBuilder.create("matmul_" + n, 1, new AtomicLong(1));
    Shape s = Shape.array(ElementType.BF16, n, n);
    Instruction lhs = b.parameter(s);
    Instruction rhs = b.parameter(s);
    b.op(Opcode.DOT, s, i -> i.dotDimensions(DotDimensionNumbers.matmul()), lhs, rhs);
    Computation c = b.build();
    return Kernels.of(HloModule.of("matmul_" + n, c)).get(0);
  }

  /** Fitting samples of {@code rows} ({@code train} or test ones), one kernel per size. */
  public static List<SimFitter.Sample> samples(List<Row> rows, boolean train) {
    Map<Integer, Kernel> kernels = new HashMap<>();
    ImmutableList.Builder<SimFitter.Sample> out = ImmutableList.builder();
    for (Row r : rows) {
      if (r.train() == train) {
        out.add(r.sample(kernels.computeIfAbsent(r.n(), PublishedMatmuls::matmul)));
      }
    }
    return out.build();
  }
}
