package dev.tpucost.cli;

import dev.tpucost.analytical.Calibration;
import dev.tpucost.analytical.Constants;
import dev.tpucost.api.chip.ChipFiles;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.corpus.dataset.DatasetReader;
import dev.tpucost.corpus.dataset.KernelModules;
import dev.tpucost.corpus.dataset.Tiles;
import dev.tpucost.corpus.dataset.wire.KernelRecord;
import dev.tpucost.corpus.dataset.wire.TileSample;
import dev.tpucost.corpus.evaluation.Evaluator;
import dev.tpucost.hlo.binary.HloProtoReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tpucost calibrate}: fit the analytical model's constants on a dataset's training split. */
@Command(name = "calibrate", mixinStandardHelpOptions = true, description = {
    "Fit the analytical model's eleven constants by least squares in log space on the training part of a",
    "dataset split, and write them as a constants file (the chip is the dataset's)."})
final class CalibrateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "A dataset.")
  Path data;

  @Option(names = "--out", required = true, paramLabel = "FILE.json", description = "Where to write the constants.")
  Path out;

  @Option(names = "--split", defaultValue = "random", description = "random or family (default: ${DEFAULT-VALUE}); its train part is used.")
  String split;

  @Option(names = "--max-samples", defaultValue = "200000", description = "Samples used at most, drawn with --seed (default: ${DEFAULT-VALUE}).")
  int maxSamples;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the sample draw (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    DatasetReader reader = DatasetReader.open(data);
    ChipSpec chip = ChipFiles.parse(reader.manifest().path("chip").toString(), data + "/manifest.json");
    List<KernelRecord> records = Evaluator.records(reader, split, "train");
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
          k = KernelModules.fromModule(HloProtoReader.read(r.getKernel().toByteArray(), r.getKernelName()).module(), r.getOrigin());
        }
        cal.add(k, Tiles.of(s), s.getRuntimeNs());
      }
    }
    long start = System.nanoTime();
    Calibration.Result res = cal.fit(Constants.priors(chip.name()));
    res.constants().save(out);
    PrintWriter o = spec.commandLine().getOut();
    o.printf("calibrated %s on %d of %d training samples (%s split, %d kernels) in %.1f s, %d iterations:"
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

}
