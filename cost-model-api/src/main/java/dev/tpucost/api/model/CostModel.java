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
 * {@link InvalidTileException}, and a batch ({@link #predictAll}) gives each tile a runtime or a reason
 * ({@link TilePrediction}). A model implements {@link #predict(Kernel, TileConfig)} and, to share per-kernel
 * work across tiles, {@link #predictAll}; ranking and module estimates are built on those here, once. A null
 * argument is a {@link NullPointerException} naming it ({@link #checkArguments}), not one from inside a model.
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
   * The tile space of {@code kernel} on this model's chip, made once per kernel and chip and kept with the
   * kernel ({@link TileSpace#kept}): the default tile is searched once per kernel, not per call, and every
   * model of the same chip shares it.
   */
  default TileSpace tileSpace(Kernel kernel) {
    return TileSpace.kept(kernel, chip());
  }

  /**
   * Predicted runtime of {@code kernel} at the compiler's tile when the kernel carries one (an XLA:TPU
   * dump's {@code window_config}), else at its default tile ({@link TileChoice}); the estimate says which
   * ({@link Estimate#tileSource()}).
   */
  default Estimate predict(Kernel kernel) {
    checkArguments(kernel, TileConfig.EMPTY);
    TileChoice choice = TileChoice.of(tileSpace(kernel));
    return predict(kernel, choice.tile()).at(choice);
  }

  /**
   * Predictions for many tiles of one kernel, in the caller's order: each tile has a runtime or the reason it
   * is refused ({@link TilePrediction}). The batch method models override to share per-kernel work (the
   * kernel's analysis, a graph encoding); {@link #rank} is built on it. The default validates each tile
   * against {@link #tileSpace} and calls {@link #predict(Kernel, TileConfig)}.
   */
  default List<TilePrediction> predictAll(Kernel kernel, List<TileConfig> tiles) {
    checkArguments(kernel, tiles);
    TileSpace space = tileSpace(kernel);
    List<TilePrediction> out = new ArrayList<>(tiles.size());
    for (TileConfig t : tiles) {
      Optional<String> problem = space.check(t);
      if (problem.isPresent()) {
        out.add(TilePrediction.refused(t, problem.get()));
        continue;
      }
      Estimate e = predict(kernel, t);
      out.add(e.interval().isPresent() ? TilePrediction.of(t, e.nanoseconds(), e.interval().get())
          : TilePrediction.of(t, e.nanoseconds()));
    }
    return out;
  }

  /**
   * Ranks {@code tiles} by predicted runtime, from {@link #predictAll}; refused candidates are reported with
   * their reason, not dropped. Models do not override this: they override {@link #predictAll}.
   */
  default Ranking rank(Kernel kernel, List<TileConfig> tiles) {
    return Ranking.of(predictAll(kernel, tiles));
  }

  /**
   * Every kernel of {@code module} at the compiler's or the default tile ({@link TileChoice}), and their sum over
   * the kernels' runs (a loop body once per trip, {@link Kernels#runs}).
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
    java.util.Objects.requireNonNull(module, "module is null");
    boolean fuse = fuseIfUnfused && FusionPass.needed(module);
    HloModule m = fuse ? FusionPass.run(module) : module;
    List<ModuleEstimate.KernelEstimate> out = new ArrayList<>();
    Kernels.Runs runs = Kernels.runs(m, module);
    for (Kernels.Run r : runs.kernels()) {
      Kernel k = r.kernel();
      TileChoice choice = TileChoice.of(tileSpace(k));
      Estimate e = predict(k, choice.tile()).at(choice);
      out.add(new ModuleEstimate.KernelEstimate(k, choice.tile(), choice.source(), e, r.runs(), r.exact()));
    }
    return new ModuleEstimate(module.name(), name(), out, fuse, runs.uncountedLoops());
  }

  /**
   * Checks the arguments of {@link #predict(Kernel, TileConfig)}: a {@link NullPointerException} naming the
   * one that is null. For implementations, first thing in {@code predict}.
   */
  static void checkArguments(Kernel kernel, TileConfig tile) {
    java.util.Objects.requireNonNull(kernel, "kernel is null");
    java.util.Objects.requireNonNull(tile, "tile is null (predict(kernel) takes the compiler's or the default tile)");
  }

  /**
   * Checks the arguments of {@link #predictAll}: a {@link NullPointerException} naming the kernel, the list or
   * the first null tile ({@code tiles[i] is null}). For implementations, first thing in {@code predictAll}.
   */
  static void checkArguments(Kernel kernel, List<TileConfig> tiles) {
    java.util.Objects.requireNonNull(kernel, "kernel is null");
    java.util.Objects.requireNonNull(tiles, "tiles is null");
    for (int i = 0; i < tiles.size(); i++) {
      if (tiles.get(i) == null) {
        throw new NullPointerException("tiles[" + i + "] is null");
      }
    }
  }
}
