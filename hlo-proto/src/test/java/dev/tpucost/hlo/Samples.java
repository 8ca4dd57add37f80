package dev.tpucost.hlo;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The real HLO files in {@code ../shared/hlo-samples} (beside the project root); tests skip without them. */
public final class Samples {
  private Samples() {}

  /** The samples directory, or a skipped test when it is absent. */
  public static Path dir() {
    Path p = Path.of("").toAbsolutePath();
    for (Path d = p; d != null; d = d.getParent()) {
      Path candidate = d.resolve("shared").resolve("hlo-samples");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    assumeTrue(false, "shared/hlo-samples not found above " + p + "; skipping tests on real HLO files");
    return null;
  }

  /** The shared TpuGraphs tuning records with TPU v3 measurements ({@code shared/measured/}). */
  public static Path measuredTuningFile() {
    return dir().getParent().resolve("measured").resolve("tpugraphs_op_tuning_subset.pb");
  }

  /** Files of one kind: {@code "pb"} or {@code "text"}, sorted by name. */
  public static List<Path> files(String kind) {
    try (Stream<Path> s = Files.list(dir().resolve(kind))) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
