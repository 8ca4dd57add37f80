package dev.tpucost.examples;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.CostModels;
import dev.tpucost.api.model.Estimate;
import dev.tpucost.api.model.Ranking;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.hlo.HloFiles;
import java.nio.file.Path;
import java.util.List;

/**
 * The README's "Use from Java" example: load an XLA dump, take its kernels, create the learned model for a
 * chip, predict every kernel at the compiler's (or the default) tile, and rank tile configurations of one.
 * The build compiles and runs it ({@code PredictExampleTest}), and checks that the README shows this code.
 */
public final class PredictExample {
  private PredictExample() {}

  /** Runs the example on {@code args[0]} (HLO text or protobuf) and prints what it finds. */
  public static void main(String[] args) throws Exception {
    // example:begin
    List<Kernel> kernels = Kernels.of(HloFiles.load(Path.of(args[0])).module());
    CostModel gnn = CostModels.create("gnn", ChipSpec.V4);
    for (Kernel k : kernels) {
      Estimate e = gnn.predict(k);
      System.out.printf("%s: %.1f us%n", k.name(), e.nanoseconds() / 1e3);
    }
    Kernel first = kernels.get(0);
    Ranking r = gnn.rank(first, TileSpace.of(first, ChipSpec.V4).validConfigs(100));
    System.out.println("fastest tile of " + first.name() + ": " + r.best().orElseThrow().tile());
    // example:end
  }
}
