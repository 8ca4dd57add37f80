package dev.tpucost.cli;

import dev.tpucost.analytical.Calibration;
import dev.tpucost.analytical.Constants;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.corpus.dataset.DatasetReader;
import dev.tpucost.corpus.dataset.KernelModules;
import dev.tpucost.corpus.dataset.Tiles;
import dev.tpucost.corpus.dataset.wire.KernelRecord;
import dev.tpucost.corpus.dataset.wire.TileSample;
import dev.tpucost.corpus.evaluation.Evaluator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tpucost calibrate}: fit the analytical model's constants on a dataset's training split, or the
 * simulator's per-chip constants on measured runtimes.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
    header = "Fit the analytical model's or the simulator's constants to a dataset.", description = {
    "--target analytical (default): fit the analytical model's eleven constants by least squares in log space",
    "on the training part of a dataset split, and write them as a constants file (the chip is the dataset's).",
    "--target sim: fit the simulator's per-chip constants (launch, step overhead, HBM latency, DMA efficiency,",
    "MXU fill and scale, vector scale, unit overlap) to measured runtimes: a measured dataset ('dataset",
    "--from-tuning'), or with --published the bundled TPU v5e Pallas matmul timings (fitted on n = 1024 and",
    "4096 with a dispatch offset, tested on 8192). Writes a chip calibration file: the chip file with a",
    "'simulator' section, which every --chip option takes."})
final class CalibrateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--target", paramLabel = "TARGET", defaultValue = "analytical",
      description = "analytical or sim (default: ${DEFAULT-VALUE}).")
  String target;

  @Option(names = "--data", paramLabel = "DIR", description = "A dataset (for --target sim: a measured one).")
  Path data;

  @Option(names = "--published", description = "--target sim: fit to the bundled published v5e matmul timings.")
  boolean published;

  @Option(names = "--chip", paramLabel = "CHIP",
      description = "--target sim with --published: the chip (default: v5e).")
  String chip;

  @Option(names = "--out", required = true, paramLabel = "FILE.json", description = "Where to write the constants.")
  Path out;

  @Option(names = "--split", paramLabel = "SPLIT", description = {
      "random, family or all: the part of the dataset fitted on, its train part (default: random; all on a "
          + "measured dataset, whose held-out figures come from 'evaluate --split kernel')."})
  String split;

  @Option(names = "--max-samples", paramLabel = "N", defaultValue = "200000",
      description = "Samples used at most, drawn with --seed (default: ${DEFAULT-VALUE}).")
  int maxSamples;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1",
      description = "Seed of the sample draw (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (target.equals("sim")) {
      return SimCalibrations.run(this);
    }
    if (!target.equals("analytical")) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--target must be analytical or sim, not '" + target + "'");
    }
    if (data == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--target analytical needs --data DIR");
    }
    DatasetReader reader = DatasetReader.open(data);
    if (split == null) {
      // A measured dataset has a handful of kernels: fit on all of them ('evaluate --split kernel' holds each out).
      split = reader.measured() ? "all" : "random";
    }
    ChipSpec chip = reader.chip();
    List<KernelRecord> records = split.equals("all") ? all(reader) : Evaluator.records(reader, split, "train");
    long total = 0;
    for (KernelRecord r : records) {
      total += r.getSamplesList().stream().filter(s -> s.getError().isEmpty()).count();
    }
    double keep = Math.min(1, maxSamples / (double) Math.max(1, total));
    Random rnd = new Random(seed);
    Calibration cal = new Calibration(chip);
    for (KernelRecord r : records) {
      Kernel k = null;
      for (TileSample s : r.getSamplesList()) {
        if (!s.getError().isEmpty() || rnd.nextDouble() >= keep) {
          continue;
        }
        if (k == null) {
          k = KernelModules.fromRecord(r);
        }
        cal.add(k, Tiles.of(s), s.getRuntimeNs());
      }
    }
    long start = System.nanoTime();
    Calibration.Result res = cal.fit(Constants.priors(chip.name()));
    res.constants().save(out);
    PrintWriter o = spec.commandLine().getOut();
    o.printf("calibrated %s on %d of %d samples (%s split, %d kernels) in %.1f s, %d iterations:"
        + " log-RMSE %.4f, MAPE %.2f%%%n", chip.name(), res.samples(), total, split, records.size(),
        (System.nanoTime() - start) / 1e9, res.iterations(), res.logRmse(), 100 * res.mape());
    double[] v = res.constants().values();
    for (int i = 0; i < v.length; i++) {
      o.printf("  %-18s %12.4f%n", Constants.NAMES.get(i), v[i]);
    }
    o.printf("written to %s%n", out);
    o.flush();
    return 0;
  }

  static List<KernelRecord> all(DatasetReader reader) throws java.io.IOException {
    List<KernelRecord> out = new java.util.ArrayList<>();
    reader.forEach(out::add);
    return out;
  }

}
