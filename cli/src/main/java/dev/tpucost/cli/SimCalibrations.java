package dev.tpucost.cli;

import dev.tpucost.api.chip.ChipFiles;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.corpus.dataset.DatasetReader;
import dev.tpucost.corpus.dataset.wire.KernelRecord;
import dev.tpucost.corpus.evaluation.Evaluator;
import dev.tpucost.accuracy.refit.Refitters;
import dev.tpucost.sim.SimCalibration;
import dev.tpucost.sim.Simulator;
import dev.tpucost.sim.calibration.PublishedMatmuls;
import dev.tpucost.sim.calibration.SimFitter;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.ParameterException;

/**
 * {@code tpucost calibrate --target sim}: the simulator's constants for one chip, fitted to measurements, and
 * the chip calibration file that carries them. On a measured dataset every constant but the DMA run overhead
 * is fitted from its prior ({@link SimFitter#MEASURED_FREE}); on the published v5e matmuls, which constrain
 * only the per-step cost and the MXU, the step overhead, MXU fill share and MXU scale are fitted with one
 * dispatch offset, the rest carried over from v3's shipped calibration.
 */
final class SimCalibrations {
  /** The constants the published matmul timings constrain. */
  static final Set<String> MATMUL_FREE = Set.of("step_overhead_cycles", "mxu_fill_share", "mxu_scale");

  private SimCalibrations() {}

  static int run(CalibrateCommand c) throws Exception {
    PrintWriter o = c.spec.commandLine().getOut();
    if (c.published == (c.data != null)) {
      throw new ParameterException(c.spec.commandLine(), "--target sim takes --data DIR (a measured dataset) or --published");
    }
    ChipSpec chip;
    SimCalibration result;
    if (c.published) {
      chip = ChipFiles.resolve(c.chip != null ? c.chip : "v5e");
      if (!chip.sameHardware(ChipSpec.V5E)) {
        throw new ParameterException(c.spec.commandLine(), "--published holds TPU v5e timings; --chip " + chip.name()
            + " has other hardware figures");
      }
      List<PublishedMatmuls.Row> rows = PublishedMatmuls.v5e();
      SimCalibration start = SimCalibration.shipped(ChipSpec.V3);
      List<SimFitter.Sample> train = PublishedMatmuls.samples(rows, true);
      SimFitter.Result r = SimFitter.of(chip, train).fit(start, MATMUL_FREE, true);
      result = r.calibration();
      double dispatch = r.offsetsNs().getOrDefault(PublishedMatmuls.SOURCE, 0.0);
      o.printf("fitted %s to %d published Pallas matmul timings (n = 1024, 4096) in %d evaluations; dispatch offset"
          + " %.1f us (part of the wall times, not of the kernels)%n", chip.name(), train.size(),
          r.evaluations(), dispatch / 1e3);
      Simulator uncalibrated = Simulator.of(chip, SimCalibration.PRIOR);
      Simulator prior = Simulator.of(chip, start);
      Simulator fitted = Simulator.of(chip, result);
      Table t = new Table("n", "blocks", "role", "published", "sim (priors)", "sim (v3's constants)", "sim fitted + dispatch",
          "error");
      Map<Integer, Kernel> kernels = new LinkedHashMap<>();
      for (PublishedMatmuls.Row row : rows) {
        Kernel k = kernels.computeIfAbsent(row.n(), PublishedMatmuls::matmul);
        double raw = uncalibrated.simulate(k, row.tile()).nanoseconds();
        double before = prior.simulate(k, row.tile()).nanoseconds();
        double after = fitted.simulate(k, row.tile()).nanoseconds() + dispatch;
        t.row(row.n(), row.tile().isEmpty() ? "XLA's (default tile)" : row.tile().toString(), row.train() ? "train" : "test",
            ms(row.wallNs()), ms(raw), ms(before), ms(after), String.format("%+.1f%%", 100 * (after / row.wallNs() - 1)));
      }
      t.print(o);
    } else {
      DatasetReader reader = DatasetReader.open(c.data);
      if (!reader.measured()) {
        throw new ParameterException(c.spec.commandLine(), c.data + " is labelled by the simulator; --target sim needs"
            + " measured runtimes ('tpucost dataset --from-tuning')");
      }
      chip = reader.chip();
      String split = c.split == null ? "all" : c.split;
      List<KernelRecord> records = split.equals("all") ? CalibrateCommand.all(reader) : Evaluator.records(reader, split, "train");
      SimFitter fitter = Refitters.simulatorFitter(chip, records);
      SimFitter.Result prior = fitter.fit(SimCalibration.PRIOR, Set.of(), false);
      SimFitter.Result r = fitter.fit(SimCalibration.PRIOR, SimFitter.MEASURED_FREE, false);
      result = r.calibration();
      o.printf("fitted %s's simulator to %d measured runs of %d kernels (%s) in %d evaluations: mean per-kernel runtime"
          + " MAPE %.1f%% -> %.1f%% (in-sample; 'evaluate --split kernel' gives the held-out figures)%n", chip.name(),
          fitter.size(), fitter.groups().size(), split.equals("all") ? "every kernel" : split + " split, train part",
          r.evaluations(), 100 * prior.meanGroupMape(), 100 * r.meanGroupMape());
    }
    Table t = new Table("constant", "prior", "fitted");
    double[] p = SimCalibration.PRIOR.values();
    double[] v = result.values();
    for (int i = 0; i < v.length; i++) {
      t.row(SimCalibration.NAMES.get(i), String.format("%.4g", p[i]), String.format("%.4g", v[i]));
    }
    t.print(o);
    ChipFiles.save(chip.withSimulator(result.toMap()), c.out);
    o.printf("written to %s (a chip file with a 'simulator' section: pass it to --chip)%n", c.out);
    o.flush();
    return 0;
  }

  private static String ms(double ns) {
    return String.format("%.3f ms", ns / 1e6);
  }
}
