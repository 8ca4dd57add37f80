package dev.tpucost.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.CostModels;
import dev.tpucost.api.model.Estimate;
import dev.tpucost.api.model.TileChoice;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tpucost predict FILE}: a cost model's runtime for every kernel of a module at the compiler's tile
 * (an XLA:TPU dump's {@code window_config}) or the default, and the module total.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = {"Predict every kernel of an HLO module with a cost model, and the module total. Each kernel is",
      "costed at the compiler's tile when an XLA:TPU dump records one (window_config), else at tpucost's",
      "default; the source column says which. A module without fusions is fused first (see --no-fusion)."})
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
    PrintWriter err = spec.commandLine().getErr();
    List<Kernel> kernels = inputs.kernels(file, err);
    PrintWriter out = spec.commandLine().getOut();
    Table t = new Table("kernel", "tile", "source", "predicted us", "xla est. us");
    double total = 0;
    int failed = 0;
    int warned = 0;
    for (Kernel k : kernels) {
      TileChoice choice;
      Estimate e;
      try {
        choice = TileChoice.of(m.tileSpace(k));
        e = m.predict(k, choice.tile()).withWarnings(choice.warnings());
      } catch (IllegalArgumentException ex) {
        err.println("tpucost: " + k.name() + ": " + ex.getMessage());
        failed++;
        continue;
      }
      for (String w : e.warnings()) {
        err.println("tpucost: warning: " + w);
        warned++;
      }
      total += e.nanoseconds();
      OptionalLong xla = choice.window().map(w -> w.estimatedCycles()).orElse(OptionalLong.empty());
      if (format == OutputFormat.json) {
        ObjectNode n = Json.object().put("kernel", k.name()).put("model", m.name()).put("tile", choice.tile().toString())
            .put("tile_source", choice.source().text()).put("predicted_ns", e.nanoseconds());
        if (xla.isPresent()) {
          n.put("xla_estimated_cycles", xla.getAsLong()).put("xla_estimated_ns", xla.getAsLong() / m.chip().clockGhz());
        } else {
          n.putNull("xla_estimated_cycles").putNull("xla_estimated_ns");
        }
        ArrayNode ws = n.putArray("warnings");
        e.warnings().forEach(ws::add);
        out.println(Json.line(n));
      } else {
        t.row(k.name(), choice.tile(), choice.source().text(), String.format("%.3f", e.nanoseconds() / 1e3),
            xla.isPresent() ? String.format("%.3f", xla.getAsLong() / m.chip().clockGhz() / 1e3) : "-");
      }
    }
    if (format == OutputFormat.json) {
      out.println(Json.line(Json.object().put("module_total_ns", total).put("kernels", kernels.size())
          .put("failed", failed)));
    } else {
      t.print(out);
      out.printf("module total: %.2f us (%s on %s, %d of %d kernels%s%s)%n", total / 1e3, m.name(), m.chip().name(),
          kernels.size() - failed, kernels.size(), failed > 0 ? "; " + failed + " failed, see above" : "",
          warned > 0 ? "; " + warned + " warnings" : "");
    }
    out.flush();
    return failed == 0 ? 0 : 1;
  }
}
