package dev.tpucost.analytical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.hlo.HloFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The largest shared sample of each format loads, and every kernel of it is costed at its default tile,
 * in a JVM capped at 512 MB of heap (this module's Surefire {@code argLine}).
 */
class LargestSampleTest {
  private static Path samples() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("shared/hlo-samples"))) {
        return d.resolve("shared/hlo-samples");
      }
    }
    assumeTrue(false, "shared/hlo-samples not found");
    return null;
  }

  @ParameterizedTest
  @ValueSource(strings = {"text", "pb"})
  void theLargestSampleIsLoadedAndCostedIn512MB(String kind) throws Exception {
    assertThat(Runtime.getRuntime().maxMemory()).isLessThanOrEqualTo(512L << 20);
    Path largest;
    try (Stream<Path> s = Files.list(samples().resolve(kind))) {
      largest = s.max(Comparator.comparingLong(f -> f.toFile().length())).orElseThrow();
    }
    AnalyticalModel m = AnalyticalModel.create(ChipSpec.V4);
    double total = 0;
    int kernels = 0;
    for (Kernel k : Kernels.of(HloFiles.load(largest).module())) {
      double ns = m.predict(k, TileSpace.of(k, ChipSpec.V4).defaultConfig()).nanoseconds();
      assertThat(ns).as(k.name()).isFinite().isPositive();
      total += ns;
      kernels++;
    }
    long used = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    System.out.printf("[LargestSampleTest] %s (%d bytes): %d kernels, %.0f us in all; heap in use %d MB of %d MB%n",
        largest.getFileName(), largest.toFile().length(), kernels, total / 1e3, used >> 20, Runtime.getRuntime().maxMemory() >> 20);
    assertThat(kernels).isPositive();
  }
}
