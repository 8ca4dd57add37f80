package dev.tpucost.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.Estimate;
import dev.tpucost.api.model.TileChoice;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tpucost predict FILE|DIR...}: a cost model's runtime for every kernel of each module at the
 * compiler's tile (an XLA:TPU dump's {@code window_config}) or the default, and each module's total.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    header = "Predict every kernel of HLO modules (files or XLA dump folders) with a cost model.",
    description = {"Predict every kernel of each HLO module with a cost model, and the module's total. Each",
      "kernel is costed at the compiler's tile when an XLA:TPU dump records one (window_config), else at",
      "tpucost's default; the source column says which. A folder is read as an XLA dump (--xla_dump_to): one",
      "module per module_NNNN.NAME prefix, its after_optimizations dump preferred. A module without fusions is",
      "fused first (see --no-fusion). The total counts each kernel times its runs: a while loop's body once per",
      "trip (XLA's known_trip_count, or a counted loop's bounds; an unknown count is warned of and counted once).",
      "Exit code 1 if a file or a kernel could not be costed (named on stderr)."})
final class PredictCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE|DIR", arity = "1..*", description = "HLO files (text or binary) or XLA dump folders.")
  List<Path> files;

  @Mixin ModuleInputs inputs;

  @Mixin ModelChoice models;

  @Mixin FormatOption output;

  @Override
  public Integer call() throws Exception {
    CostModel m = models.create(inputs.chip());
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    List<Path> expanded = HloInputs.expand(files);
    ObjectNode doc = Json.object().put("model", m.name()).put("chip", m.chip().name());
    ArrayNode modules = doc.putArray("modules");
    double grand = 0;
    int failedModules = 0;
    int failedKernels = 0;
    for (Path file : expanded) {
      dev.tpucost.api.kernel.Kernels.Runs kernels;
      try {
        kernels = inputs.runs(file, err);
      } catch (java.io.IOException | IllegalArgumentException | dev.tpucost.hlo.HloParseException e) {
        err.println("tpucost: " + TpuCost.message(e));
        failedModules++;
        continue;
      }
      ObjectNode mod = predictModule(m, file, kernels, expanded.size() > 1);
      modules.add(mod);
      grand += mod.get("total_ns").asDouble();
      failedKernels += mod.get("failed_kernels").asInt();
    }
    int failed = failedModules + failedKernels;
    doc.put("total_ns", grand).put("failed", failed).put("failed_modules", failedModules);
    if (output.json()) {
      Json.print(out, doc);
    } else if (expanded.size() > 1) {
      // which modules and kernels the sum covers, as each module's total says it
      out.printf("all %d of %d modules: %.2f us%s%s%n", modules.size(), expanded.size(), grand / 1e3,
          failedModules > 0 ? "; " + failedModules + " could not be read, see above" : "",
          failedKernels > 0 ? "; " + failedKernels + " kernels failed, see above" : "");
    }
    out.flush();
    return failed == 0 ? 0 : 1;
  }

  /**
   * Every kernel of one module: its JSON ({@code file}, {@code kernels}, {@code total_ns}, {@code kernel_count},
   * {@code failed_kernels}), and, unless the output is JSON, its table and total printed; a kernel that
   * cannot be costed is named on stderr and in the JSON with its error.
   */
  private ObjectNode predictModule(CostModel m, Path file, dev.tpucost.api.kernel.Kernels.Runs runs, boolean several) {
    List<dev.tpucost.api.kernel.Kernels.Run> kernels = runs.kernels();
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    ObjectNode mod = Json.object().put("file", file.toString());
    ArrayNode ks = mod.putArray("kernels");
    Table t = new Table("kernel", "runs", "tile", "source", "predicted us", "interval us", "xla est. us");
    double total = 0;
    int kernelFailures = 0;
    int warned = 0;
    for (dev.tpucost.api.kernel.Kernels.Run run : kernels) {
      Kernel k = run.kernel();
      TileChoice choice;
      Estimate e;
      try {
        choice = TileChoice.of(m.tileSpace(k));
        e = m.predict(k, choice.tile()).withWarnings(choice.warnings());
      } catch (IllegalArgumentException ex) {
        err.println("tpucost: " + file + ": " + k.name() + ": " + ex.getMessage());
        kernelFailures++;
        ks.addObject().put("kernel", k.name()).put("error", ex.getMessage());
        continue;
      }
      for (String w : e.warnings()) {
        err.println("tpucost: warning: " + w);
        warned++;
      }
      total += e.nanoseconds() * run.runs(); // a loop body's kernels once per trip
      OptionalLong xla = choice.window().map(w -> w.estimatedCycles()).orElse(OptionalLong.empty());
      ObjectNode n = ks.addObject().put("kernel", k.name());
      n.set("tile", Json.tile(choice.tile()));
      n.put("tile_source", choice.source().text()).put("predicted_ns", e.nanoseconds()).put("runs", run.runs())
          .put("runs_exact", run.exact());
      Json.interval(n, e.interval());
      if (xla.isPresent()) {
        n.put("xla_estimated_cycles", xla.getAsLong()).put("xla_estimated_ns", xla.getAsLong() / m.chip().clockGhz());
      } else {
        n.putNull("xla_estimated_cycles").putNull("xla_estimated_ns");
      }
      ArrayNode ws = n.putArray("warnings");
      e.warnings().forEach(ws::add);
      t.row(k.name(), ModuleInputs.runsText(run), choice.tile(), choice.source().text(),
          String.format("%.3f", e.nanoseconds() / 1e3),
          Json.intervalUs(e.interval()), xla.isPresent() ? String.format("%.3f", xla.getAsLong() / m.chip().clockGhz() / 1e3) : "-");
    }
    long inexact = kernels.stream().filter(r -> !r.exact()).count();
    mod.put("total_ns", total).put("kernel_count", kernels.size()).put("failed_kernels", kernelFailures);
    ArrayNode uncounted = mod.putArray("uncounted_loops");
    runs.uncountedLoops().forEach(uncounted::add);
    if (!output.json()) {
      if (several) {
        out.println(file + ":");
      }
      t.print(out);
      out.printf("module total: %.2f us (%s on %s, %d of %d kernels, each times its runs%s%s%s)%n", total / 1e3,
          m.name(), m.chip().name(), kernels.size() - kernelFailures, kernels.size(),
          kernelFailures > 0 ? "; " + kernelFailures + " failed, see above" : "",
          inexact == 0 ? "" : "; " + inexact + " kernels' runs not known exactly, marked ?: a loop of unknown trip"
              + " count counts once, a conditional's branches each count",
          warned > 0 ? "; " + warned + " warnings" : "");
      if (several) {
        out.println();
      }
    }
    return mod;
  }
}
