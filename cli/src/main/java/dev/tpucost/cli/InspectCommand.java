package dev.tpucost.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.hlo.HloFiles;
import dev.tpucost.hlo.HloParseException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import dev.tpucost.api.tile.WindowConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tpucost inspect FILE...}: what an HLO file holds and the kernels a TPU would run. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    header = "Load HLO files or XLA dump folders and list their kernels.",
    description = {
      "Load HLO files (text or binary HloModuleProto/HloProto/HloSnapshot, detected from the content) and list",
      "their kernels: every fusion, and every unfused instruction that does real work. A module without fusions",
      "goes through the XLA-style fusion pass first, as predict, rank and simulate cost it (--no-fusion: its ops).",
      "Exit code 0 when every file loads, 1 when one does not (the error names it)."
    })
final class InspectCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE|DIR", arity = "1..*", description = {
      "HLO files or XLA dump folders (one module per "
          + "module_NNNN.NAME prefix, its after_optimizations dump preferred)."})
  List<Path> files;

  @picocli.CommandLine.Mixin FormatOption output;

  @picocli.CommandLine.Option(names = "--no-fusion",
      description = "List a module without fusions (a before_optimizations dump) op by op, as the other commands"
          + " cost it with --no-fusion, instead of the kernels of the XLA-style fusion pass.")
  boolean noFusion;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int failures = 0;
    ObjectNode doc = Json.object();
    ArrayNode modules = doc.putArray("modules");
    for (Path f : HloInputs.expand(files)) {
      HloFiles.Loaded loaded;
      try {
        loaded = HloFiles.load(f);
      } catch (HloParseException e) {
        err.println("tpucost: " + e.getMessage());
        failures++;
        continue;
      } catch (IOException e) {
        err.println("tpucost: " + f + ": cannot read: "
            + (e instanceof java.nio.file.FileSystemException fs ? TpuCost.reason(fs) : e.getMessage()));
        failures++;
        continue;
      }
      List<Kernel> kernels;
      boolean fused = !noFusion && dev.tpucost.api.fusion.FusionPass.needed(loaded.module());
      try {
        kernels = Kernels.of(fused ? dev.tpucost.api.fusion.FusionPass.run(loaded.module()) : loaded.module());
      } catch (IllegalArgumentException e) {
        err.println("tpucost: " + f + ": " + e.getMessage());
        failures++;
        continue;
      }
      if (output.json()) {
        modules.add(json(loaded, kernels).put("fused_by_tpucost", fused));
      } else {
        table(out, loaded, kernels, fused);
      }
    }
    if (output.json()) {
      doc.put("failed", failures);
      Json.print(out, doc);
    }
    out.flush();
    err.flush();
    return failures == 0 ? 0 : 1;
  }

  private static ObjectNode json(HloFiles.Loaded loaded, List<Kernel> kernels) {
    HloModule m = loaded.module();
    ObjectNode n = Json.object()
        .put("file", loaded.file().toString())
        .put("module", m.name())
        .put("format", loaded.format().name().toLowerCase(Locale.ROOT))
        .put("computations", m.computations().size())
        .put("instructions", m.instructionCount());
    ArrayNode ks = n.putArray("kernels");
    for (Kernel k : kernels) {
      ObjectNode kn = ks.addObject()
          .put("name", k.name())
          .put("kind", k.isFusion() ? "fusion" : "instruction");
      if (k.fusionKind().isPresent()) {
        kn.put("fusion_kind", k.fusionKind().get().text());
      } else {
        kn.putNull("fusion_kind");
      }
      kn.put("nodes", k.nodeCount())
          .put("edges", k.edgeCount())
          .put("output_shape", k.outputShape().toText())
          .put("flops", k.stats().flops())
          .put("bytes_accessed", k.stats().bytesAccessed());
      Optional<WindowConfig> w = window(k);
      if (w.isPresent()) {
        kn.set("compiler_tile", Json.tile(w.get().tile()));
        if (w.get().estimatedCycles().isPresent()) {
          kn.put("xla_estimated_cycles", w.get().estimatedCycles().getAsLong());
        } else {
          kn.putNull("xla_estimated_cycles");
        }
      } else {
        kn.putNull("compiler_tile").putNull("xla_estimated_cycles");
      }
    }
    return n;
  }

  private static void table(PrintWriter out, HloFiles.Loaded loaded, List<Kernel> kernels, boolean fused) {
    HloModule m = loaded.module();
    out.printf("%s: module %s (%s), %d computations, %d instructions, %d kernels%s%n", loaded.file(), m.name(),
        loaded.format().name().toLowerCase(Locale.ROOT), m.computations().size(), m.instructionCount(), kernels.size(),
        fused ? " (no fusions in the file: the kernels of tpucost's XLA-style fusion pass; --no-fusion lists its ops)"
            : "");
    Table t = new Table("kernel", "kind", "nodes", "edges", "output", "GFLOP", "MB", "compiler tile", "xla cycles");
    for (Kernel k : kernels) {
      Optional<WindowConfig> w = window(k);
      t.row(k.name(), k.fusionKind().map(Object::toString).orElse(k.root().opcode().text()), k.nodeCount(),
          k.edgeCount(), abbreviate(k.outputShape().toText(), 40), String.format("%.3f", k.stats().flops() / 1e9),
          String.format("%.3f", k.stats().bytesAccessed() / 1e6), w.map(x -> x.tile().toString()).orElse("-"),
          w.flatMap(x -> x.estimatedCycles().isPresent() ? Optional.of(Long.toString(x.estimatedCycles().getAsLong()))
              : Optional.empty()).orElse("-"));
    }
    t.print(out);
    out.println();
  }

  /** The compiler's window config of {@code k}; a malformed one is shown as absent (predict reports it). */
  private static Optional<WindowConfig> window(Kernel k) {
    try {
      return WindowConfig.of(k);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }
}
