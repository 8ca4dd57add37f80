package dev.tpucost.accuracy.real;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.CostModels;
import dev.tpucost.api.model.Ranking;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.corpus.evaluation.Metrics;
import dev.tpucost.hlo.tuning.TunedKernel;
import dev.tpucost.hlo.tuning.TuningFiles;
import dev.tpucost.hlo.tuning.TuningRun;
import dev.tpucost.sim.Simulator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every configuration XLA:TPU's autotuner ran on a TPU v3 ({@code shared/measured}, 10 kernels, 153 runs,
 * the compiler defaults included) is accepted: by the simulator and {@code analytical} on v3, and by
 * {@code gnn} and {@code hybrid} on the chip they ship for (v4). The same bounds measured twice stay separate
 * samples. Per kernel, Kendall's tau, the runtime error against the measurements (v3 models) and the top-1
 * slowdown are printed next to the compiler default's. In-sample for the simulator: its shipped v3 constants
 * were fitted to these runs ({@code tpucost calibrate --target sim}); {@link LeaveOneKernelOutTest} gives the
 * held-out figures.
 */
class MeasuredConfigurationsTest {
  @Test
  void everyMeasuredConfigurationIsAcceptedAndCosted() throws Exception {
    List<TunedKernel> tuned = TuningFiles.read(SharedData.measured());
    Simulator sim = Simulator.of(ChipSpec.V3);
    Map<String, CostModel> models = new LinkedHashMap<>();
    models.put("analytical", CostModels.create("analytical", ChipSpec.V3));
    models.put("gnn(v4)", CostModels.create("gnn", ChipSpec.V4));
    models.put("hybrid(v4)", CostModels.create("hybrid", ChipSpec.V4));
    int runs = 0;
    int defaults = 0;
    StringBuilder table = new StringBuilder(String.format("%-11s %4s %9s %9s | %-30s | %-30s | %-23s%n", "kernel", "runs",
        "default", "best", "Kendall tau: sim analyt gnn hybrid", "MAPE vs measured: sim analytical",
        "top-1: default sim an."));
    double[] tauSum = new double[4];
    int tauKernels = 0;
    double[] mapeSum = new double[2];
    for (TunedKernel t : tuned) {
      Kernel k = t.kernel();
      List<TuningRun> measured = t.measurements();
      List<TileConfig> tiles = new ArrayList<>();
      double[] ns = new double[measured.size()];
      int def = -1;
      for (int i = 0; i < ns.length; i++) {
        tiles.add(measured.get(i).tile().orElseThrow());
        ns[i] = measured.get(i).measuredNanoseconds().getAsLong();
        if (measured.get(i).compilerDefault()) {
          def = i;
        }
      }
      assertThat(def).as(t.source()).isNotNegative();
      defaults++;
      runs += ns.length;
      TileSpace space = TileSpace.of(k, ChipSpec.V3);
      double[] simNs = new double[ns.length];
      for (int i = 0; i < ns.length; i++) {
        assertThat(space.check(tiles.get(i))).as("%s %s", k.name(), tiles.get(i)).isEmpty();
        simNs[i] = sim.simulate(space, tiles.get(i)).nanoseconds();
      }
      List<double[]> predicted = new ArrayList<>();
      predicted.add(simNs);
      for (CostModel m : models.values()) {
        Ranking r = m.rank(k, tiles);
        double[] p = new double[ns.length];
        for (Ranking.Entry e : r.entries()) {
          assertThat(e.error()).as("%s %s by %s", k.name(), e.tile(), m.name()).isEmpty();
          p[e.index()] = e.predictedNs();
        }
        predicted.add(p);
      }
      double best = java.util.Arrays.stream(ns).min().orElseThrow();
      double[] tau = new double[4];
      for (int j = 0; j < 4; j++) {
        tau[j] = Metrics.kendallTau(predicted.get(j), ns);
      }
      if (distinctTiles(tiles) >= 2) {
        tauKernels++;
        for (int j = 0; j < 4; j++) {
          tauSum[j] += tau[j];
        }
      }
      double[] mape = {mape(simNs, ns), mape(predicted.get(1), ns)};
      mapeSum[0] += mape[0];
      mapeSum[1] += mape[1];
      table.append(String.format("%-11s %4d %7.1fus %7.1fus | %6.2f %6.2f %6.2f %6.2f      | %6.0f%% %6.0f%%                | %5.1f%% %5.1f%% %5.1f%%%n",
          k.name(), ns.length, ns[def] / 1e3, best / 1e3, tau[0], tau[1], tau[2], tau[3], 100 * mape[0], 100 * mape[1],
          100 * (ns[def] / best - 1), 100 * Metrics.topKSlowdown(simNs, ns, 1),
          100 * Metrics.topKSlowdown(predicted.get(1), ns, 1)));
    }
    table.append(String.format("mean tau over the %d kernels with distinct configurations: sim %.3f, analytical %.3f, gnn %.3f,"
        + " hybrid %.3f; mean runtime MAPE over %d kernels: sim %.0f%%, analytical %.0f%%%n", tauKernels,
        tauSum[0] / tauKernels, tauSum[1] / tauKernels, tauSum[2] / tauKernels, tauSum[3] / tauKernels, tuned.size(),
        100 * mapeSum[0] / tuned.size(), 100 * mapeSum[1] / tuned.size()));
    System.out.print("[MeasuredConfigurationsTest]\n" + table);
    assertThat(tuned).hasSize(10);
    assertThat(runs).isEqualTo(153);
    assertThat(defaults).isEqualTo(10);
  }

  private static long distinctTiles(List<TileConfig> tiles) {
    return tiles.stream().distinct().count();
  }

  private static double mape(double[] predicted, double[] actual) {
    double s = 0;
    for (int i = 0; i < actual.length; i++) {
      s += Metrics.ape(predicted[i], actual[i]);
    }
    return s / actual.length;
  }
}
