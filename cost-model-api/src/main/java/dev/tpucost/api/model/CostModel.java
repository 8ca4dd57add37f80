package dev.tpucost.api.model;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.fusion.FusionPass;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.api.tile.InvalidTileException;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A cost model: predicts how long a kernel runs at a tile configuration on the chip it is bound to.
 *
 * <p>Implementations are bound to one {@link ChipSpec}, must be thread-safe, do no I/O in
 * {@link #predict}, and never return a silently wrong number: an impossible tile is an
 * {@link InvalidTileException}. The defaults here validate candidates through {@link TileSpace} and
 * share it across the candidates of one call; models override {@link #predictAll} to share more.
 */
public interface CostModel {
  /** The name this model is registered under (e.g. {@code analytical}, {@code gnn}). */
  String name();

  /** The chip this instance predicts for. */
  ChipSpec chip();

  /**
   * Predicted runtime of {@code kernel} at {@code tile}.
   *
   * @throws InvalidTileException if {@code tile} is not valid for the kernel on this chip
   */
  Estimate predict(Kernel kernel, TileConfig tile);

  /**
   * The tile space of {@code kernel} on this model's chip. Models that keep per-kernel state override this
   * to return a cached one, so that the default tile is searched once per kernel, not per call.
   */
  default TileSpace tileSpace(Kernel kernel) {
    return TileSpace.of(kernel, chip());
  }

  /**
   * Predicted runtime of {@code kernel} at the compiler's tile when the kernel carries one (an XLA:TPU
   * dump's {@code window_config}), else at its default tile ({@link TileChoice}).
   */
  default Estimate predict(Kernel kernel) {
    TileChoice choice = TileChoice.of(tileSpace(kernel));
    return predict(kernel, choice.tile()).withWarnings(choice.warnings());
  }

  /**
   * Predicted nanoseconds of {@code kernel} at each of {@code tiles}; {@code NaN} marks a candidate that is
   * invalid for the kernel on this chip (see {@link #rank} for the reasons).
   */
  default double[] predictAll(Kernel kernel, List<TileConfig> tiles) {
    TileSpace space = tileSpace(kernel);
    double[] out = new double[tiles.size()];
    for (int i = 0; i < out.length; i++) {
      TileConfig t = tiles.get(i);
      out[i] = space.check(t).isPresent() ? Double.NaN : predict(kernel, t).nanoseconds();
    }
    return out;
  }

  /** Ranks {@code tiles} by predicted runtime; invalid candidates are reported with their reason, not dropped. */
  default Ranking rank(Kernel kernel, List<TileConfig> tiles) {
    TileSpace space = tileSpace(kernel);
    String[] errors = new String[tiles.size()];
    List<TileConfig> valid = new ArrayList<>();
    List<Integer> where = new ArrayList<>();
    for (int i = 0; i < errors.length; i++) {
      Optional<String> problem = space.check(tiles.get(i));
      if (problem.isPresent()) {
        errors[i] = problem.get();
      } else {
        valid.add(tiles.get(i));
        where.add(i);
      }
    }
    double[] predicted = new double[tiles.size()];
    java.util.Arrays.fill(predicted, Double.NaN);
    double[] validPredictions = predictAll(kernel, valid);
    for (int j = 0; j < validPredictions.length; j++) {
      predicted[where.get(j)] = validPredictions[j];
    }
    return Ranking.of(tiles, predicted, errors);
  }

  /**
   * Every kernel of {@code module} at the compiler's or the default tile ({@link TileChoice}), and their sum.
   * A module without fusions goes through the XLA-style fusion pass first ({@link FusionPass}).
   */
  default ModuleEstimate estimate(HloModule module) {
    return estimate(module, true);
  }

  /**
   * Like {@link #estimate(HloModule)}; with {@code fuseIfUnfused} false a module without fusions is costed
   * op by op.
   */
  default ModuleEstimate estimate(HloModule module, boolean fuseIfUnfused) {
    boolean fuse = fuseIfUnfused && FusionPass.needed(module);
    HloModule m = fuse ? FusionPass.run(module) : module;
    List<ModuleEstimate.KernelEstimate> out = new ArrayList<>();
    for (Kernel k : Kernels.of(m)) {
      TileChoice choice = TileChoice.of(tileSpace(k));
      Estimate e = predict(k, choice.tile()).withWarnings(choice.warnings());
      out.add(new ModuleEstimate.KernelEstimate(k, choice.tile(), choice.source(), e));
    }
    return new ModuleEstimate(module.name(), name(), out, fuse);
  }
}
