package dev.tpucost.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tpucost.api.chip.ChipFiles;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.CostModels;
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
    "with --split all): tile task Kendall tau and top-1/5/10 slowdown per kernel; fusion task MAPE and tau."})
final class EvaluateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "A dataset.")
  Path data;

  @Option(names = "--split", defaultValue = "random", description = "random, family or all (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--models", defaultValue = "analytical", split = ",", description = "Registered models (default: ${DEFAULT-VALUE}).")
  List<String> models;

  @Option(names = "--model-file", paramLabel = "NAME=FILE",
      description = "Evaluate a trained model file under NAME (gnn or hybrid) instead of the shipped default; repeatable.")
  Map<String, Path> modelFiles = new java.util.LinkedHashMap<>();

  @Option(names = "--max-kernels", defaultValue = "0", description = "Evaluate at most this many kernels (0 = all).")
  int maxKernels;

  @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
  OutputFormat format;

  @Override
  public Integer call() throws Exception {
    DatasetReader reader = DatasetReader.open(data);
    ChipSpec chip = ChipFiles.parse(reader.manifest().path("chip").toString(), data + "/manifest.json");
    List<CostModel> ms = new ArrayList<>();
    for (String name : models) {
      Path file = modelFiles.get(name.trim());
      ms.add(file != null ? dev.tpucost.gnn.GnnModel.load(file, chip) : CostModels.create(name.trim(), chip));
    }
    for (Map.Entry<String, Path> e : modelFiles.entrySet()) {
      if (!models.contains(e.getKey())) {
        ms.add(dev.tpucost.gnn.GnnModel.load(e.getValue(), chip));
      }
    }
    Evaluator.Report r = Evaluator.evaluate(reader, split, "test", ms, maxKernels);
    PrintWriter out = spec.commandLine().getOut();
    if (format == OutputFormat.json) {
      ObjectNode n = Json.object().put("split", split).put("samples", r.samples());
      ObjectNode mn = n.putObject("models");
      for (Map.Entry<String, Evaluator.Scores> e : r.overall().entrySet()) {
        ObjectNode m = mn.putObject(e.getKey());
        scores(m, e.getValue());
        ObjectNode fam = m.putObject("per_family");
        r.perFamily().get(e.getKey()).forEach((f, s) -> scores(fam.putObject(f), s));
      }
      out.println(Json.line(n));
    } else {
      out.printf("%s split, test part: %d samples%n", split, r.samples());
      Table t = new Table("model", "kernels", "tile tau", "top-1", "top-5", "top-10", "fusion MAPE", "fusion tau");
      r.overall().forEach((name, s) -> t.row(name, s.tileKernels(), f3(s.kendallTau()), pct(s.top1Slowdown()),
          pct(s.top5Slowdown()), pct(s.top10Slowdown()), pct(s.fusionMape()), f3(s.fusionKendallTau())));
      t.print(out);
    }
    out.flush();
    return 0;
  }

  private static void scores(ObjectNode m, Evaluator.Scores s) {
    m.putObject("tile").put("kernel_count", s.tileKernels()).put("kendall_tau", s.kendallTau())
        .put("top1_slowdown", s.top1Slowdown()).put("top5_slowdown", s.top5Slowdown()).put("top10_slowdown", s.top10Slowdown());
    m.putObject("fusion").put("kernel_count", s.fusionKernels()).put("mape", s.fusionMape()).put("kendall_tau", s.fusionKendallTau());
  }

  private static String f3(double v) {
    return String.format("%.3f", v);
  }

  private static String pct(double v) {
    return String.format("%.2f%%", 100 * v);
  }
}
