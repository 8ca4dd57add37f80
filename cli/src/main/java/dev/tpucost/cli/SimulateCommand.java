package dev.tpucost.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.api.model.TileChoice;
import dev.tpucost.api.tile.InvalidTileException;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.sim.SimResult;
import dev.tpucost.sim.Simulator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tpucost simulate FILE}: the simulator's cycles for every kernel of a module (or one kernel, one tile). */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    header = "Run the kernels of an HLO module through the cycle-approximate TPU simulator.",
    description = {
      "Run the kernels of an HLO module through the cycle-approximate TPU simulator, each at the compiler's",
      "tile when an XLA:TPU dump records one, else at tpucost's default (or one kernel at --tile; the source",
      "column says which), and print cycles, nanoseconds, steps and the per-unit breakdown. A module without",
      "fusions is fused first (see --no-fusion).",
      "",
      TileHelp.TEXT
    })
final class SimulateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "An HLO file, text or binary.")
  Path file;

  @Mixin ModuleInputs inputs;

  @Option(names = "--kernel", paramLabel = "NAME", description = "Only this kernel.")
  String kernel;

  @Option(names = "--tile", paramLabel = "KERNEL_BOUNDS/OUTPUT_BOUNDS",
      description = "The tile in the notation below, e.g. 3,1,24,3/6,12,4,3; an empty side takes the default's."
          + " Needs --kernel.")
  String tile;

  @picocli.CommandLine.Mixin FormatOption output;

  @Override
  public Integer call() throws Exception {
    if (tile != null && kernel == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--tile needs --kernel");
    }
    ChipSpec chip = inputs.chip();
    List<Kernels.Run> kernels = inputs.runs(file, spec.commandLine().getErr()).kernels();
    if (kernel != null) {
      Kernel named = ModuleInputs.kernel(kernels.stream().map(Kernels.Run::kernel).toList(), kernel, file);
      kernels = kernels.stream().filter(r -> r.kernel() == named).toList();
    }
    Simulator sim = Simulator.of(chip);
    PrintWriter out = spec.commandLine().getOut();
    Table table = new Table("kernel", "runs", "tile", "source", "cycles", "us", "steps", "mxu", "vpu", "xlu", "dma_in",
        "dma_out", "overhead", "stall");
    ObjectNode doc = Json.object().put("file", file.toString()).put("chip", chip.name());
    com.fasterxml.jackson.databind.node.ArrayNode ks = doc.putArray("kernels");
    double totalNs = 0;
    int failed = 0;
    for (Kernels.Run run : kernels) {
      Kernel k = run.kernel();
      TileSpace space = TileSpace.of(k, chip);
      TileChoice choice = tile != null ? TileChoice.given(space.resolve(TileConfig.parse(tile))) : TileChoice.of(space);
      TileConfig t = choice.tile();
      SimResult r;
      try {
        r = sim.simulate(space, t);
      } catch (InvalidTileException e) {
        spec.commandLine().getErr().println("tpucost: " + e.getMessage());
        ks.addObject().put("kernel", k.name()).put("error", e.getMessage());
        failed++;
        continue;
      }
      for (String w : choice.warnings()) {
        spec.commandLine().getErr().println("tpucost: warning: " + w);
      }
      if (r.spilled()) {
        spec.commandLine().getErr().println("tpucost: warning: " + String.join("; ", space.warnings(t)));
      }
      totalNs += r.nanoseconds() * run.runs(); // a loop body's kernels once per trip
      SimResult.Breakdown b = r.breakdown();
      ObjectNode n = ks.addObject().put("kernel", k.name());
      n.set("tile", Json.tile(t));
      n.put("tile_source", choice.source().text()).put("spilled", r.spilled())
          .put("cycles", r.cycles()).put("simulated_ns", r.nanoseconds()).put("steps", r.steps())
          .put("runs", run.runs()).put("runs_exact", run.exact());
      n.putObject("breakdown_cycles").put("mxu_busy", b.mxuBusy()).put("vpu_busy", b.vpuBusy()).put("xlu_busy", b.xluBusy())
          .put("dma_in", b.dmaIn()).put("dma_out", b.dmaOut()).put("step_overhead", b.stepOverhead()).put("stall", b.stall());
      table.row(k.name(), ModuleInputs.runsText(run), t, choice.source().text(),
          r.cycles(), String.format("%.2f", r.nanoseconds() / 1e3), r.steps(), b.mxuBusy(), b.vpuBusy(), b.xluBusy(),
          b.dmaIn(), b.dmaOut(), b.stepOverhead(), b.stall());
    }
    doc.put("total_ns", totalNs).put("failed", failed);
    if (output.json()) {
      Json.print(out, doc);
    } else {
      table.print(out);
      // as predict says it: which kernels the total covers, and that the others failed (named on stderr)
      out.printf("module total: %.2f us on %s (%d of %d kernels, each times its runs%s)%n", totalNs / 1e3, chip.name(),
          kernels.size() - failed, kernels.size(), failed > 0 ? "; " + failed + " failed, see above" : "");
    }
    out.flush();
    return failed == 0 ? 0 : 1;
  }
}
