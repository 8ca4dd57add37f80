package dev.tpucost.accuracy.real;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The real HLO and TPU measurements in {@code ../shared} beside the project; tests skip without them. */
final class SharedData {
  private SharedData() {}

  static Path shared() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("shared/hlo-samples"))) {
        return d.resolve("shared");
      }
    }
    assumeTrue(false, "shared/ not found; skipping tests on real HLO and measurements");
    return null;
  }

  /** Every HLO sample, text then protobuf, sorted by name. */
  static List<Path> samples() throws IOException {
    List<Path> out = new ArrayList<>();
    for (String kind : List.of("text", "pb")) {
      try (Stream<Path> s = Files.list(shared().resolve("hlo-samples").resolve(kind))) {
        s.filter(Files::isRegularFile).sorted().forEach(out::add);
      }
    }
    return out;
  }

  /** The TpuGraphs tuning records with TPU v3 measurements. */
  static Path measured() {
    return shared().resolve("measured/tpugraphs_op_tuning_subset.pb");
  }
}
