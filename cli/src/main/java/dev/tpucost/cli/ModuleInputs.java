package dev.tpucost.cli;

import dev.tpucost.api.chip.ChipFiles;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.hlo.HloFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by the commands that cost a module's kernels: the chip and the kernel to pick. */
final class ModuleInputs {
  @Option(names = "--chip", defaultValue = "v4", paramLabel = "CHIP",
      description = "A preset (v2, v3, v4, v5e) or a chip file (default: ${DEFAULT-VALUE}).")
  String chip;

  ChipSpec chip() {
    return ChipFiles.resolve(chip);
  }

  /** The kernels of {@code file}. */
  static List<Kernel> kernels(Path file) throws IOException {
    return Kernels.of(HloFiles.load(file).module());
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
