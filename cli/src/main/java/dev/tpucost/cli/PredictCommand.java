package dev.tpucost.cli;

import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.CostModels;
import dev.tpucost.api.model.Estimate;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tpucost predict FILE}: a cost model's runtime for every kernel of a module at its default tile. */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Predict every kernel of an HLO module at its default tile with a cost model, and the module total.")
final class PredictCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "An HLO file, text or binary.")
  Path file;

  @Mixin ModuleInputs inputs;

  @Option(names = "--model", defaultValue = "analytical", description = "A registered model (default: ${DEFAULT-VALUE}); see tpucost models.")
  String model;

  @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
  OutputFormat format;

  @Override
  public Integer call() throws Exception {
    CostModel m = CostModels.create(model, inputs.chip());
    List<Kernel> kernels = ModuleInputs.kernels(file);
    PrintWriter out = spec.commandLine().getOut();
    Table t = new Table("kernel", "tile", "predicted us");
    double total = 0;
    int failed = 0;
    for (Kernel k : kernels) {
      TileConfig tile = TileSpace.of(k, m.chip()).defaultConfig();
      Estimate e;
      try {
        e = m.predict(k, tile);
      } catch (IllegalArgumentException ex) {
        spec.commandLine().getErr().println("tpucost: " + k.name() + ": " + ex.getMessage());
        failed++;
        continue;
      }
      total += e.nanoseconds();
      if (format == OutputFormat.json) {
        out.println(Json.line(Json.object().put("kernel", k.name()).put("model", m.name()).put("tile", tile.toString())
            .put("predicted_ns", e.nanoseconds())));
      } else {
        t.row(k.name(), tile, String.format("%.3f", e.nanoseconds() / 1e3));
      }
    }
    if (format == OutputFormat.json) {
      out.println(Json.line(Json.object().put("module_total_ns", total)));
    } else {
      t.print(out);
      out.printf("module total: %.2f us (%s on %s, %d kernels)%n", total / 1e3, m.name(), m.chip().name(), kernels.size() - failed);
    }
    out.flush();
    return failed == 0 ? 0 : 1;
  }
}
