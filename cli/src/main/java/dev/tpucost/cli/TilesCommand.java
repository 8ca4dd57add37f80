package dev.tpucost.cli;

import dev.tpucost.api.kernel.Kernel;
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

/** {@code tpucost tiles FILE --kernel NAME}: the valid tile configurations of one kernel, one per line. */
@Command(
    name = "tiles",
    mixinStandardHelpOptions = true,
    header = "List a kernel's candidate tile configurations on a chip.",
    description = {
      "List a kernel's candidate tile configurations on a chip, one per line as KERNEL/OUTPUT bounds: every",
      "free bound over the divisors, powers of two, half and third of its dimension (bounds need not divide;",
      "the last block is partial), keeping those whose double-buffered working set fits in VMEM. A kernel with",
      "nothing to tile (an unfused reshape) lists the empty configuration, /. The list is a file rank --tiles",
      "takes as it is.",
      "",
      TileHelp.TEXT
    })
final class TilesCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "An HLO file, text or binary.")
  Path file;

  @Option(names = "--kernel", required = true, paramLabel = "NAME", description = "The kernel.")
  String kernel;

  @Mixin ModuleInputs inputs;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100000",
      description = "At most this many configs (default: ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() throws Exception {
    Kernel k = ModuleInputs.kernel(inputs.kernels(file, spec.commandLine().getErr()), kernel, file);
    TileSpace space = TileSpace.of(k, inputs.chip());
    PrintWriter out = spec.commandLine().getOut();
    List<TileConfig> configs = space.validConfigs(limit);
    for (TileConfig c : configs) {
      out.println(c);
    }
    out.flush();
    return 0;
  }
}
