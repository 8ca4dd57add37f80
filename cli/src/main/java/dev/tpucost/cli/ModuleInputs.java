package dev.tpucost.cli;

import dev.tpucost.api.chip.ChipFiles;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.fusion.FusionPass;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.hlo.HloFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Options shared by the commands that cost a module's kernels: the chip, and whether a module without
 * fusions goes through the XLA-style fusion pass first (it does unless {@code --no-fusion}).
 */
final class ModuleInputs {
  @Option(names = "--chip", defaultValue = "v4", paramLabel = "CHIP",
      description = "A preset (v2, v3, v4, v5e) or a chip file (default: ${DEFAULT-VALUE}).")
  String chip;

  @Option(names = "--no-fusion",
      description = "Cost a module without fusions (a before_optimizations dump) op by op, instead of running"
          + " the XLA-style fusion pass on it first.")
  boolean noFusion;

  ChipSpec chip() {
    return ChipFiles.resolve(chip);
  }

  /**
   * The kernels of {@code file}; a module without fusions is fused first unless {@code --no-fusion}, and
   * {@code note} is told so.
   */
  List<Kernel> kernels(Path file, PrintWriter note) throws IOException {
    return Kernels.of(fused(HloFiles.load(file).module(), file, note));
  }

  /**
   * {@link #kernels} with how many times the module runs each ({@link Kernels#runs}: a loop body once per trip);
   * {@code note} is told of each loop whose trip count is unknown (its body counted once).
   */
  Kernels.Runs runs(Path file, PrintWriter note) throws IOException {
    HloModule loaded = HloFiles.load(file).module();
    Kernels.Runs runs = Kernels.runs(fused(loaded, file, note), loaded);
    for (String loop : runs.uncountedLoops()) {
      note.println("tpucost: warning: " + file + ": while loop '" + loop + "' has no known trip count (no"
          + " known_trip_count, not a counted loop): its body is counted once in the total");
    }
    note.flush();
    return runs;
  }

  /** {@code m}, through the fusion pass first if it has no fusions and that is not turned off. */
  private HloModule fused(HloModule m, Path file, PrintWriter note) {
    if (!noFusion && FusionPass.needed(m)) {
      note.println("tpucost: " + file + " has no fusions (a pre-optimization module): ran the XLA-style fusion pass"
          + " first (--no-fusion to cost it op by op)");
      note.flush();
      m = FusionPass.run(m);
    }
    return m;
  }

  /** A kernel's runs as the tables show them: {@code 12}, or {@code 1?} when not known exactly. */
  static String runsText(Kernels.Run run) {
    return run.runs() + (run.exact() ? "" : "?");
  }

  /** The kernel named {@code name}, or an error listing a few names that exist. */
  static Kernel kernel(List<Kernel> kernels, String name, Path file) {
    for (Kernel k : kernels) {
      if (k.name().equals(name)) {
        return k;
      }
    }
    List<String> names = kernels.stream().map(Kernel::name).limit(12).toList();
    throw new IllegalArgumentException(file + " has no kernel named '" + name + "'; kernels: " + String.join(", ", names)
        + (kernels.size() > names.size() ? ", ... (" + kernels.size() + " in all; see tpucost inspect)" : ""));
  }
}
