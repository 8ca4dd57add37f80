package dev.tpucost.cli;

import dev.tpucost.api.chip.ChipFiles;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.CostModels;
import dev.tpucost.benchmarks.report.HtmlReport;
import dev.tpucost.benchmarks.report.ReportJson;
import dev.tpucost.corpus.dataset.DatasetReader;
import dev.tpucost.corpus.evaluation.Evaluator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tpucost evaluate}: cost models against the simulator on a dataset split's test part. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = {
    "Evaluate cost models against the simulated runtimes of a dataset split's test part (or every sample",
    "with --split all): tile task Kendall tau and top-1/5/10 slowdown per kernel and the paper's Tile-Size APE",
    "per program; fusion task MAPE, tau across kernels and the error of per-program totals. Every model is",
    "scored on the same samples; --report also writes an HTML page with the tables and charts."})
final class EvaluateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "A dataset.")
  Path data;

  @Option(names = "--split", defaultValue = "random", description = "random, family or all (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--models", defaultValue = "analytical,gnn,hybrid", split = ",",
      description = "Registered models (default: ${DEFAULT-VALUE}).")
  List<String> models;

  @Option(names = "--model-file", paramLabel = "NAME=FILE",
      description = {"Evaluate a trained model file under NAME; gnn or hybrid replace the shipped default, another",
          "name adds a column. Repeatable."})
  Map<String, Path> modelFiles = new java.util.LinkedHashMap<>();

  @Option(names = "--max-kernels", defaultValue = "0", description = "Evaluate at most this many kernels (0 = all).")
  int maxKernels;

  @Option(names = "--report", paramLabel = "FILE.html", description = "Also write a self-contained HTML report.")
  Path report;

  @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
  OutputFormat format;

  @Override
  public Integer call() throws Exception {
    DatasetReader reader = DatasetReader.open(data);
    ChipSpec chip = ChipFiles.parse(reader.manifest().path("chip").toString(), data + "/manifest.json");
    List<CostModel> ms = new ArrayList<>();
    for (String name : models) {
      Path file = modelFiles.get(name.trim());
      ms.add(file != null ? dev.tpucost.gnn.GnnModel.load(file, chip, name.trim()) : CostModels.create(name.trim(), chip));
    }
    for (Map.Entry<String, Path> e : modelFiles.entrySet()) {
      if (!models.contains(e.getKey())) {
        ms.add(dev.tpucost.gnn.GnnModel.load(e.getValue(), chip, e.getKey()));
      }
    }
    Evaluator.Report r = Evaluator.evaluate(reader, split, "test", ms, maxKernels);
    PrintWriter out = spec.commandLine().getOut();
    if (format == OutputFormat.json) {
      out.println(Json.line(ReportJson.of(r)));
    } else {
      out.printf("%s split, %s: %d samples%n", split, split.equals("all") ? "every sample" : "test part", r.samples());
      Table t = new Table("model", "kernels", "tile tau", "top-1", "top-5", "top-10", "tile APE", "fusion MAPE",
          "fusion tau", "program err");
      r.overall().forEach((name, s) -> t.row(name, s.tileKernels(), f3(s.kendallTau()), pct(s.top1Slowdown()),
          pct(s.top5Slowdown()), pct(s.top10Slowdown()), pct(s.tileApe()), pct(s.fusionMape()), f3(s.fusionKendallTau()),
          pct(s.programTotalApe())));
      t.print(out);
    }
    if (report != null) {
      HtmlReport.write(r, data.toString(), report);
      (format == OutputFormat.json ? spec.commandLine().getErr() : out).println("wrote " + report);
    }
    out.flush();
    return 0;
  }

  private static String f3(double v) {
    return Double.isFinite(v) ? String.format("%.3f", v) : "-";
  }

  private static String pct(double v) {
    return Double.isFinite(v) ? String.format("%.2f%%", 100 * v) : "-";
  }
}
