package dev.tpucost.corpus.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tpucost.api.chip.ChipFiles;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.sim.SimCalibration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Seeded chip variants: reproducible, valid, every figure varying, simulator constants between the presets'. */
class ChipVariantsTest {
  @Test
  void oneSeedGivesTheSameValidChipsWhoseEveryFigureVaries() {
    List<ChipSpec> a = ChipVariants.of(32, 5);
    assertThat(a).isEqualTo(ChipVariants.of(32, 5)).isNotEqualTo(ChipVariants.of(32, 6)).hasSize(32);
    for (Function<ChipSpec, Object> figure : List.<Function<ChipSpec, Object>>of(ChipSpec::tensorCores,
        ChipSpec::megacore, ChipSpec::mxusPerCore, ChipSpec::clockGhz, ChipSpec::vpuAlus, ChipSpec::vmemBytes,
        ChipSpec::hbmGbps)) {
      Set<Object> values = a.stream().map(figure).collect(Collectors.toSet());
      assertThat(values).as("a figure that never varies is one a model cannot learn").hasSizeGreaterThan(1);
    }
    for (ChipSpec c : a) {
      assertThat(c.megacore()).as(c.name()).isEqualTo(c.megacore() && c.tensorCores() == 2);
      // The chip file round-trips with its simulator section, and the simulator takes the constants.
      assertThat(ChipFiles.parse(ChipFiles.toJson(c), c.name())).isEqualTo(c);
      double[] v = SimCalibration.of(c).values();
      for (int i = 0; i < v.length; i++) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (ChipSpec p : ChipSpec.presets().values()) {
          lo = Math.min(lo, SimCalibration.shipped(p).values()[i]);
          hi = Math.max(hi, SimCalibration.shipped(p).values()[i]);
        }
        assertThat(v[i]).as("%s %s", c.name(), SimCalibration.NAMES.get(i)).isBetween(lo - 1e-9, hi + 1e-9);
      }
    }
  }

  @Test
  void aChipAtAPresetGetsThatPresetsConstants() {
    List<ChipSpec> presets = List.copyOf(ChipSpec.presets().values());
    double[] at = ChipVariants.interpolated(ChipSpec.V5E, presets).values();
    double[] own = SimCalibration.shipped(ChipSpec.V5E).values();
    for (int i = 0; i < own.length; i++) {
      assertThat(at[i]).as(SimCalibration.NAMES.get(i)).isCloseTo(own[i], org.assertj.core.data.Offset.offset(
          1e-2 * Math.abs(own[i]) + 1e-9));
    }
    assertThatThrownBy(() -> ChipVariants.of(0, 1)).hasMessageContaining("must be >= 1");
    // Held out: variants around v2-v4 draw their clocks from those presets only (at most 1.05 GHz x 1.4).
    for (ChipSpec c : ChipVariants.around(List.of(ChipSpec.V2, ChipSpec.V3, ChipSpec.V4), 16, 2)) {
      assertThat(c.clockGhz()).isLessThanOrEqualTo(Math.round(1.05 * 1.4 * 100) / 100.0);
    }
  }

  @Test
  void aWiderSpreadDrawsFartherClocksAndBandwidthsFromTheSameSeed() {
    List<ChipSpec> presets = List.of(ChipSpec.V2, ChipSpec.V3, ChipSpec.V4);
    // Spread 1 is the plain draw, bit for bit (chip files made before the spread existed stay reproducible).
    assertThat(ChipVariants.around(presets, 24, 9, 1)).isEqualTo(ChipVariants.around(presets, 24, 9));
    List<ChipSpec> far = ChipVariants.around(presets, 64, 9, 2);
    double lowest = Double.POSITIVE_INFINITY;
    double highest = 0;
    for (ChipSpec c : far) {
      double base = presets.stream().filter(p -> c.mxuRows() == p.mxuRows() && c.hbmBytes() == p.hbmBytes()
          && c.smemBytes() == p.smemBytes()).mapToDouble(ChipSpec::hbmGbps).min().orElseThrow();
      lowest = Math.min(lowest, c.hbmGbps() / base);
      highest = Math.max(highest, c.hbmGbps() / base);
      assertThat(ChipFiles.parse(ChipFiles.toJson(c), c.name())).isEqualTo(c);
    }
    // 0.6^2 = 0.36 to 2.0^2 = 4: 64 draws reach beyond the plain range [0.6, 2.0] on both sides.
    assertThat(lowest).isLessThan(0.6);
    assertThat(highest).isGreaterThan(2.0);
    assertThatThrownBy(() -> ChipVariants.around(presets, 4, 9, 0.5)).hasMessageContaining("spread");
  }

  @Test
  void stratifiedVariantsDealEachDiscreteFigureEvenlyAndKeepTheSeedsOtherFigures() {
    List<ChipSpec> presets = List.of(ChipSpec.V2, ChipSpec.V3, ChipSpec.V5E);
    for (int n : new int[] {1, 8, 13}) {
      List<ChipSpec> plain = ChipVariants.around(presets, n, 8, 1);
      List<ChipSpec> dealt = ChipVariants.around(presets, n, 8, 1, true);
      assertThat(ChipVariants.around(presets, n, 8, 1, false)).isEqualTo(plain);
      assertThat(ChipVariants.around(presets, n, 8, 1, true)).isEqualTo(dealt);
      java.util.Map<String, Integer> arrangements = new java.util.HashMap<>();
      java.util.Map<Integer, Integer> mxus = new java.util.HashMap<>();
      java.util.Map<Integer, Integer> alus = new java.util.HashMap<>();
      java.util.Map<Long, Integer> vmem = new java.util.HashMap<>();
      for (int k = 0; k < n; k++) {
        ChipSpec d = dealt.get(k);
        ChipSpec p = plain.get(k);
        // The same seed's clock, HBM bandwidth and preset-given figures.
        assertThat(d.clockGhz()).isEqualTo(p.clockGhz());
        assertThat(d.hbmGbps()).isEqualTo(p.hbmGbps());
        assertThat(d.smemBytes()).isEqualTo(p.smemBytes());
        arrangements.merge(d.tensorCores() + (d.megacore() ? "m" : ""), 1, Integer::sum);
        mxus.merge(d.mxusPerCore(), 1, Integer::sum);
        alus.merge(d.vpuAlus(), 1, Integer::sum);
        vmem.merge(d.vmemBytes() >> 20, 1, Integer::sum);
      }
      assertEvenly(arrangements, 3, n);
      assertEvenly(mxus, 4, n);
      assertEvenly(alus, 2, n);
      assertEvenly(vmem, 4, n);
      if (n >= 3) {
        assertThat(arrangements).containsKeys("1", "2", "2m");
      }
    }
    // Seed 8's independent draw holds one megacore of eight; dealt, two or three.
    assertThat(ChipVariants.around(presets, 8, 8, 1).stream().filter(ChipSpec::megacore)).hasSize(1);
    assertThat(ChipVariants.around(presets, 8, 8, 1, true).stream().filter(ChipSpec::megacore).count()).isBetween(2L, 3L);
  }

  /** Each of {@code k} values counted {@code floor(n/k)} or {@code ceil(n/k)} times (absent only if n < k). */
  private static <T> void assertEvenly(java.util.Map<T, Integer> counts, int k, int n) {
    assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(n);
    assertThat(counts).hasSize(Math.min(k, n));
    for (int c : counts.values()) {
      assertThat(c).isBetween(n / k, (n + k - 1) / k);
    }
  }

  @Test
  void aHiddenSpreadRedrawsOnlyTheConstantsTheFiguresDoNotTell() {
    List<ChipSpec> plain = ChipVariants.around(List.of(ChipSpec.V2, ChipSpec.V3, ChipSpec.V4), 48, 12);
    assertThat(ChipVariants.withHiddenSpread(plain, 1, 3)).isEqualTo(plain);
    List<ChipSpec> hidden = ChipVariants.withHiddenSpread(plain, 2, 3);
    assertThat(hidden).isEqualTo(ChipVariants.withHiddenSpread(plain, 2, 3))
        .isNotEqualTo(ChipVariants.withHiddenSpread(plain, 2, 4));
    double[] lowest = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
    double[] highest = new double[3];
    for (int k = 0; k < plain.size(); k++) {
      ChipSpec before = plain.get(k);
      ChipSpec after = hidden.get(k);
      // Same figures (and name): only the simulator section differs.
      assertThat(after.withSimulator(before.simulator())).isEqualTo(before);
      assertThat(ChipFiles.parse(ChipFiles.toJson(after), after.name())).isEqualTo(after);
      double[] was = SimCalibration.of(before).values();
      double[] is = SimCalibration.of(after).values();
      for (int i = 0; i < was.length; i++) {
        String name = SimCalibration.NAMES.get(i);
        int h = ChipVariants.HIDDEN_CONSTANTS.indexOf(name);
        if (h < 0) {
          assertThat(is[i]).as(name).isEqualTo(was[i]);
        } else {
          double ratio = is[i] / was[i];
          assertThat(is[i]).as(name).isBetween(SimCalibration.LOWER[i], SimCalibration.UPPER[i]);
          if (is[i] < SimCalibration.UPPER[i]) { // not clamped
            assertThat(ratio).as(name).isBetween(0.5 - 1e-12, 2 + 1e-12);
          }
          lowest[h] = Math.min(lowest[h], ratio);
          highest[h] = Math.max(highest[h], ratio);
        }
      }
    }
    // 48 draws of each factor reach both halves of [1/2, 2].
    for (int h = 0; h < 3; h++) {
      assertThat(lowest[h]).as(ChipVariants.HIDDEN_CONSTANTS.get(h)).isLessThan(0.8);
      assertThat(highest[h]).as(ChipVariants.HIDDEN_CONSTANTS.get(h)).isGreaterThan(1.25);
    }
    assertThatThrownBy(() -> ChipVariants.withHiddenSpread(plain, 0.5, 3)).hasMessageContaining("hidden constants");
  }
}
