package dev.tpucost.cli;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.CostModels;
import dev.tpucost.api.model.Ranking;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.corpus.evaluation.Metrics;
import dev.tpucost.hlo.text.HloTextParser;
import dev.tpucost.sim.Simulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tpucost demo}: the three models against the simulator on a bundled program, with nothing but the
 * jar. The program is {@code transformer_00183} of the default dataset (seed 1) after the greedy fusion
 * pass, shipped as HLO text; it is in the random split's test part, so the learned models never trained on it.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    header = "Show the cost models at work on a bundled Transformer layer, against the simulator.", description = {
    "Show the cost models at work on a bundled Transformer layer (HLO text in the jar, held out from the",
    "default models' training): every kernel's simulated runtime next to the analytical, gnn and hybrid",
    "predictions, then the tile configurations of its heaviest kernel ranked by each model against the simulator."})
final class DemoCommand implements Callable<Integer> {
  static final String PROGRAM = "demo/transformer_00183.hlo";

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model-file", paramLabel = "NAME=FILE", description = {
      "Also show a model file (a trained .zip from tpucost train, or analytical constants .json from tpucost "
          + "calibrate) under NAME, next to the shipped models; it must be for v4. Repeatable."})
  java.util.Map<String, java.nio.file.Path> modelFiles = new java.util.LinkedHashMap<>();

  @Option(names = "--configs", paramLabel = "N", defaultValue = "256",
      description = "Tile configs to rank for the heaviest kernel (default: ${DEFAULT-VALUE}).")
  int configs;

  @Override
  public Integer call() throws IOException {
    if (configs < 2) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--configs must be at least 2");
    }
    PrintWriter out = spec.commandLine().getOut();
    ChipSpec chip = ChipSpec.V4;
    HloModule module;
    try (InputStream in = DemoCommand.class.getResourceAsStream(PROGRAM)) {
      if (in == null) {
        throw new IOException("the jar is missing its demo program " + PROGRAM);
      }
      module = HloTextParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), PROGRAM);
    }
    List<Kernel> kernels = Kernels.of(module);
    List<CostModel> models = new ArrayList<>(List.of(CostModels.create("analytical", chip), CostModels.create("gnn", chip),
        CostModels.create("hybrid", chip)));
    for (var e : modelFiles.entrySet()) {
      models.add(ModelChoice.load(e.getKey(), e.getValue(), chip));
    }
    Simulator sim = Simulator.of(chip);
    out.printf("%s: %d kernels of HloModule %s, chip %s; ground truth: the tpucost simulator.%n%n", PROGRAM,
        kernels.size(), module.name(), chip.name());

    // 1. Every kernel at its default tile.
    List<String> head = new ArrayList<>(List.of("kernel", "nodes", "default tile", "simulated"));
    models.forEach(m -> {
      head.add(m.name());
      head.add("err");
    });
    Table t = new Table(head.toArray(new String[0]));
    double[] totals = new double[models.size() + 1];
    double[] apeSums = new double[models.size()];
    Kernel heaviest = null;
    double heaviestNs = -1;
    for (Kernel k : kernels) {
      TileSpace space = TileSpace.of(k, chip);
      TileConfig def = space.defaultConfig();
      double actual = sim.simulate(space, def).nanoseconds();
      totals[0] += actual;
      if (actual > heaviestNs) {
        heaviestNs = actual;
        heaviest = k;
      }
      List<Object> row = new ArrayList<>(List.of(k.name(), k.nodeCount(), def.toString(), us(actual)));
      for (int i = 0; i < models.size(); i++) {
        double p = models.get(i).predict(k, def).nanoseconds();
        totals[i + 1] += p;
        apeSums[i] += Metrics.ape(p, actual);
        row.add(us(p));
        row.add(signedPct(p / actual - 1));
      }
      t.row(row.toArray());
    }
    List<Object> total = new ArrayList<>(List.of("total", "", "", us(totals[0])));
    for (int i = 0; i < models.size(); i++) {
      total.add(us(totals[i + 1]));
      total.add(signedPct(totals[i + 1] / totals[0] - 1));
    }
    t.row(total.toArray());
    t.print(out);
    out.print("mean absolute error per kernel:");
    for (int i = 0; i < models.size(); i++) {
      out.printf(" %s %.1f%%", models.get(i).name(), 100 * apeSums[i] / kernels.size());
    }
    out.printf("%n%n");

    // 2. The heaviest kernel's tile configs, ranked by each model.
    TileSpace space = TileSpace.of(heaviest, chip);
    List<TileConfig> all = space.validConfigs(100_000);
    List<TileConfig> candidates = new ArrayList<>();
    for (int i = 0; i < Math.min(configs, all.size()); i++) {
      candidates.add(all.get((int) ((long) i * all.size() / Math.min(configs, all.size()))));
    }
    double[] actual = new double[candidates.size()];
    int best = 0;
    for (int i = 0; i < actual.length; i++) {
      actual[i] = sim.simulate(space, candidates.get(i)).nanoseconds();
      best = actual[i] < actual[best] ? i : best;
    }
    out.printf("Tile configs of the heaviest kernel, %s (%d nodes): %d of its %d valid configs, simulated best %s at %s.%n",
        heaviest.name(), heaviest.nodeCount(), candidates.size(), all.size(), candidates.get(best), us(actual[best]));
    Table r = new Table("model", "Kendall tau", "top-1 pick", "its simulated", "slowdown", "top-5 slowdown");
    for (CostModel m : models) {
      Ranking ranking = m.rank(heaviest, candidates);
      double[] p = new double[candidates.size()];
      ranking.entries().forEach(e -> p[e.index()] = e.isValid() ? e.predictedNs() : Double.NaN);
      int pick = ranking.best().orElseThrow().index();
      r.row(m.name(), String.format("%.3f", Metrics.kendallTau(p, actual)), candidates.get(pick), us(actual[pick]),
          signedPct(Metrics.topKSlowdown(p, actual, 1)), signedPct(Metrics.topKSlowdown(p, actual, 5)));
    }
    r.print(out);
    out.printf("%nNext: 'tpucost predict FILE' and 'tpucost rank FILE --kernel NAME' on your own HLO (text or binary"
        + " HloModuleProto),%n'tpucost evaluate --data DIR --report eval.html' on a dataset made by 'tpucost dataset',"
        + " 'tpucost --help' for the rest.%n");
    out.flush();
    return 0;
  }

  private static String us(double ns) {
    return ns >= 1e5 ? String.format("%.0f us", ns / 1e3) : String.format("%.2f us", ns / 1e3);
  }

  private static String signedPct(double v) {
    return String.format("%+.1f%%", 100 * v);
  }
}
