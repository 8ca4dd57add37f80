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
    description = {
      "List the valid tile configurations of a kernel on a chip (every bound divides or covers its",
      "dimension, the double-buffered working set fits in VMEM), one per line as KERNEL/OUTPUT bounds."
    })
final class TilesCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "An HLO file, text or binary.")
  Path file;

  @Option(names = "--kernel", required = true, paramLabel = "NAME", description = "The kernel.")
  String kernel;

  @Mixin ModuleInputs inputs;

  @Option(names = "--limit", defaultValue = "100000", description = "At most this many configs (default: ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() throws Exception {
    Kernel k = ModuleInputs.kernel(ModuleInputs.kernels(file), kernel, file);
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
