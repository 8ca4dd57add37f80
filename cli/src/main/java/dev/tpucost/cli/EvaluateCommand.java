package dev.tpucost.cli;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.CostModels;
import dev.tpucost.accuracy.report.HtmlReport;
import dev.tpucost.accuracy.refit.Refitters;
import dev.tpucost.accuracy.report.ReportJson;
import dev.tpucost.gnn.GnnModel;
import dev.tpucost.gnn.ModelFile;
import dev.tpucost.gnn.training.FineTuner;
import dev.tpucost.corpus.dataset.DatasetReader;
import dev.tpucost.corpus.evaluation.Evaluator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tpucost evaluate}: cost models against a dataset's runtimes (simulated or measured). */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    header = "Evaluate cost models against a dataset's simulated or measured runtimes.", description = {
    "Evaluate cost models against the runtimes of a dataset (simulated, or measured on hardware with",
    "'dataset --from-tuning'): a split's test part, every sample (--split all), or leave-one-kernel-out",
    "(--split kernel: each model is fitted to the measured samples of every other kernel, then scored on the",
    "held-out one). Tile task Kendall tau and top-1/5/10 slowdown per kernel and the paper's Tile-Size APE per",
    "program; fusion task MAPE, tau across kernels and the error of per-program totals; the runtime error over",
    "every configuration, per kernel and overall. Every model is scored on the same samples; --report also",
    "writes an HTML page with the tables and charts."})
final class EvaluateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "A dataset.")
  Path data;

  @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "random",
      description = "random, family, all or kernel (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--models", paramLabel = "MODEL", split = ",", description = {
      "Registered models (default: analytical,gnn,hybrid; on a measured dataset also sim, the simulator; models "
          + "with nothing shipped for the chip are left out with a note). With --split kernel: sim and analytical are "
          + "calibrated per fold, gnn and hybrid fine-tuned per fold from their shipped or --model-file model."})
  List<String> models;

  @Option(names = "--model-file", paramLabel = "NAME=FILE",
      description = {
      "Evaluate a model file under NAME (a trained .zip, or analytical constants .json from calibrate); gnn, "
          + "hybrid or analytical replace the shipped default, another name adds a column. Repeatable."})
  Map<String, Path> modelFiles = new java.util.LinkedHashMap<>();

  @Option(names = "--chip", paramLabel = "CHIP", description = {
      "The chip to evaluate on: a preset or a chip file with the same hardware figures as the dataset's (which is "
          + "the default); a chip file's simulator section then applies to sim. Another chip is refused."})
  String chipName;

  @Option(names = "--max-kernels", paramLabel = "N", defaultValue = "0",
      description = "Evaluate at most this many kernels (0 = all).")
  int maxKernels;

  @Option(names = "--report", paramLabel = "FILE.html", description = "Also write a self-contained HTML report.")
  Path report;

  @picocli.CommandLine.Mixin FormatOption output;

  @Option(names = "--fine-tune-epochs", paramLabel = "N", defaultValue = "40", description = {
      "With --split kernel: most fine-tuning epochs of gnn/hybrid per fold; the count is chosen by an inner "
          + "leave-one-kernel-out (default: ${DEFAULT-VALUE})."})
  int fineTuneEpochs;

  @Override
  public Integer call() throws Exception {
    DatasetReader reader = DatasetReader.open(data);
    ChipSpec chip = reader.chip();
    if (chipName != null) {
      ChipSpec given = dev.tpucost.api.chip.ChipFiles.resolve(chipName);
      if (!given.sameHardware(chip)) {
        throw new IllegalArgumentException(data + " was labelled on chip " + chip.name() + "; --chip " + chipName
            + " has other hardware figures (a dataset is evaluated on the chip it was made for)");
      }
      chip = given;
    }
    boolean measured = reader.measured();
    PrintWriter err = spec.commandLine().getErr();
    List<String> names = new ArrayList<>();
    if (models != null) {
      models.forEach(m -> names.add(m.trim()));
    } else {
      for (String m : measured ? List.of("sim", "analytical", "gnn", "hybrid") : List.of("analytical", "gnn", "hybrid")) {
        if (modelFiles.containsKey(m) || available(m, chip)) {
          names.add(m);
        } else {
          err.println("note: " + m + " left out: nothing shipped for chip " + chip.name() + " (give --model-file " + m + "=FILE)");
        }
      }
    }
    for (String m : modelFiles.keySet()) {
      if (!names.contains(m)) {
        names.add(m);
      }
    }
    Evaluator.Report r;
    if (split.equals("kernel")) {
      if (!measured) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--split kernel refits every model once per"
            + " kernel: it is for measured datasets ('dataset --from-tuning'); " + data + " is simulated, use --split"
            + " random, family or all");
      }
      List<Evaluator.Refitter> refitters = new ArrayList<>();
      Set<String> kernels = FineTuneLineage.measuredKernels(reader);
      for (String name : names) {
        refitters.add(refitter(name, chip, kernels, err));
      }
      r = Evaluator.evaluateKernelFolds(reader, refitters, maxKernels);
    } else {
      List<CostModel> ms = new ArrayList<>();
      for (String name : names) {
        ms.add(model(name, chip));
      }
      warnOverlap(reader, ms, err);
      Set<String> kernels = FineTuneLineage.measuredKernels(reader);
      for (CostModel m : ms) {
        if (m instanceof GnnModel g) {
          FineTuneLineage.warnInSample(m.name(), g.file(), kernels, split, err);
        }
      }
      err.flush();
      r = Evaluator.evaluate(reader, split, "test", ms, maxKernels);
    }
    if (r.samples() == 0) {
      // (a table of dashes says nothing; small datasets, measured ones above all, have few programs to split)
      boolean all = split.equals("all");
      String instead = measured ? "--split all, or --split kernel to hold each kernel out" : "--split all";
      throw new IllegalArgumentException(data + ": the " + split + " split's " + (all ? "dataset" : "test part")
          + " has no samples to evaluate" + (all ? "" : " (too few programs to split; use " + instead + ")"));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      Json.print(out, ReportJson.of(r));
    } else {
      out.printf("%s split, %s: %d samples; ground truth: %s%n", split, switch (split) {
        case "all" -> "every sample";
        case "kernel" -> "each kernel held out in turn";
        default -> "test part";
      }, r.samples(), r.groundTruth());
      Table t = new Table("model", "kernels", "tile tau", "top-1", "top-5", "top-10", "tile APE", "fusion MAPE",
          "fusion tau", "runtime MAPE");
      r.overall().forEach((name, s) -> t.row(name, s.tileKernels(), f3(s.kendallTau()), pct(s.top1Slowdown()),
          pct(s.top5Slowdown()), pct(s.top10Slowdown()), pct(s.tileApe()), pct(s.fusionMape()), f3(s.fusionKendallTau()),
          pct(s.runtimeMape())));
      t.print(out);
      r.overall().forEach((name, s) -> {
        if (s.intervalSamples() > 0) {
          out.printf("%s: its %.0f%% intervals hold %s of the true runtimes (%d samples; high/low %.2fx, geometric mean)%n",
              name, 100 * s.intervalLevel(), pct(s.intervalCoverage()), s.intervalSamples(), s.intervalWidth());
        }
      });
      if (measured || split.equals("kernel")) {
        perKernel(out, r);
      }
    }
    if (report != null) {
      HtmlReport.write(r, data.toString(), report);
      (output.json() ? spec.commandLine().getErr() : out).println("wrote " + report);
    }
    out.flush();
    return 0;
  }

  /** Per kernel: configurations, and per model tau, top-1 and runtime MAPE; the default's top-1 as baseline. */
  private static void perKernel(PrintWriter out, Evaluator.Report r) {
    List<String> models = new ArrayList<>(r.overall().keySet());
    List<String> header = new ArrayList<>(List.of("kernel", "configs", "default top-1"));
    for (String m : models) {
      header.add(m + " tau");
      header.add(m + " top-1");
      header.add(m + " MAPE");
    }
    Table t = new Table(header.toArray(new String[0]));
    List<Evaluator.KernelResult> first = r.overall().get(models.get(0)).kernels();
    for (int i = 0; i < first.size(); i++) {
      List<Object> row = new ArrayList<>(List.of(first.get(i).kernel(), first.get(i).configs(),
          pct(first.get(i).defaultTop1Slowdown())));
      for (String m : models) {
        Evaluator.KernelResult k = r.overall().get(m).kernels().get(i);
        row.add(f3(k.kendallTau()));
        row.add(pct(k.top1Slowdown()));
        row.add(pct(k.runtimeMape()));
      }
      t.row(row.toArray());
    }
    List<Object> mean = new ArrayList<>(List.of("mean over kernels", "", pct(r.overall().get(models.get(0)).defaultTop1Slowdown())));
    for (String m : models) {
      Evaluator.Scores s = r.overall().get(m);
      mean.add(f3(s.kendallTau()));
      mean.add(pct(s.top1Slowdown()));
      mean.add(pct(s.runtimeMape()));
    }
    t.row(mean.toArray());
    out.println();
    out.println("per kernel (tau and top-1 over kernels with two or more configurations; default top-1: the compiler's own choice):");
    t.print(out);
    for (String m : models) {
      out.printf("%s: mean tau over kernels with >= 10 configurations %s; runtime MAPE over every sample %s%n", m,
          f3(r.overall().get(m).kendallTau(10)), pct(r.overall().get(m).sampleMape()));
    }
  }

  /** Models created while choosing the defaults, kept so that each is loaded once. */
  private final Map<String, CostModel> created = new java.util.HashMap<>();

  private boolean available(String name, ChipSpec chip) {
    try {
      created.put(name, CostModels.create(name, chip));
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Warns when a learned model was trained on this very dataset (its file records the manifest's SHA-256 and
   * the split) and the evaluated programs include its training programs: {@code --split all}, or another
   * split than the one it was trained on.
   */
  private void warnOverlap(DatasetReader reader, List<CostModel> ms, PrintWriter err) throws java.io.IOException {
    String hash = reader.manifestSha256();
    for (CostModel m : ms) {
      if (m instanceof GnnModel g && trainedOn(g, hash)) {
        String trainedOn = g.file().info().path("options").path("split").asText("random");
        if (split.equals("all") || !split.equals(trainedOn)) {
          err.println("tpucost: warning: " + m.name() + " was trained on this dataset's '" + trainedOn + "' train part;"
              + " --split " + split + " scores it partly on its own training programs (use --split " + trainedOn
              + " for held-out figures)");
        }
      }
    }
    err.flush();
  }

  /** True if the model's file records the dataset manifest {@code hash} among those it was trained on. */
  private static boolean trainedOn(GnnModel g, String hash) {
    return g.file().datasetHashes().contains(hash);
  }

  private CostModel model(String name, ChipSpec chip) throws java.io.IOException {
    Path file = modelFiles.get(name);
    if (file != null) {
      return ModelChoice.load(name, file, chip);
    }
    CostModel m = created.get(name);
    return m != null ? m : CostModels.create(name, chip);
  }

  private Evaluator.Refitter refitter(String name, ChipSpec chip, Set<String> kernels, PrintWriter err)
      throws java.io.IOException {
    if ((name.equals("sim") || name.equals("analytical")) && modelFiles.containsKey(name)) {
      // (refitted from its priors on every fold: a file under this name would be read by nobody)
      err.println("note: " + name + " is fitted on each fold's training kernels from its priors, so "
          + modelFiles.get(name) + " is not used; give it another name (--model-file mine=FILE) to score it as it is");
    }
    if (name.equals("sim")) {
      return Refitters.simulator(name);
    }
    if (name.equals("analytical")) {
      return Refitters.analytical(name);
    }
    CostModel m = model(name, chip);
    if (m instanceof GnnModel g) {
      FineTuner.Options d = FineTuner.Options.defaults();
      // (from weights that have not seen the fold's held-out kernel)
      ModelFile start = FineTuneLineage.foldStart(name, g.file(), kernels, err);
      return Refitters.fineTuned(name, start, new FineTuner.Options(fineTuneEpochs, d.learningRate(), d.rankWeight(),
          d.seed()), line -> {
            err.println(line);
            err.flush();
          });
    }
    err.println("note: " + name + " cannot be fitted to measurements; it is scored as it is in every fold");
    return Refitters.asShipped(name, c -> m);
  }

  private static String f3(double v) {
    return Double.isFinite(v) ? String.format("%.3f", v) : "-";
  }

  private static String pct(double v) {
    return Double.isFinite(v) ? String.format("%.2f%%", 100 * v) : "-";
  }
}
