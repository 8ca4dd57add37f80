package dev.tpucost.analytical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tpucost.api.chip.ChipFiles;
import dev.tpucost.api.chip.ChipSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which constants a chip gets: its chip file's analytical section, a matching preset's shipped ones, else the
 * presets' interpolated by figure distance (never the uncalibrated priors a chip-conditioned model's training
 * chips would otherwise disagree with the presets by).
 */
class ConstantsTest {
  private static final ChipSpec OTHER = new ChipSpec("other", 1, false, 8, 128, 128, 1.9, 8, 128, 2, 64L << 20,
      1L << 20, 16L << 30, 2800, 4);

  @Test
  void aChipWithoutConstantsGetsThePresetsInterpolatedNearestFirst() {
    Constants c = AnalyticalModel.constantsFor(OTHER);
    double[] v = c.values();
    for (int i = 0; i < v.length; i++) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (ChipSpec p : ChipSpec.presets().values()) {
        double x = Constants.shipped(p.name()).orElseThrow().values()[i];
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
      assertThat(v[i]).as(Constants.NAMES.get(i)).isBetween(lo, hi);
    }
    assertThat(v).isNotEqualTo(Constants.priors("other").values());
    // At a preset's figures (under another name), interpolation gives that preset's constants.
    double[] atV3 = Constants.interpolated(ChipSpec.V3.withName("x"), ChipSpec.presets().values()).values();
    double[] v3 = Constants.shipped("v3").orElseThrow().values();
    for (int i = 0; i < v3.length; i++) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (ChipSpec p : ChipSpec.presets().values()) {
        lo = Math.min(lo, Constants.shipped(p.name()).orElseThrow().values()[i]);
        hi = Math.max(hi, Constants.shipped(p.name()).orElseThrow().values()[i]);
      }
      // The other presets keep a weight of ~0.3% at distance 0: within 1% of the presets' spread.
      assertThat(atV3[i]).as(Constants.NAMES.get(i)).isCloseTo(v3[i], within(0.01 * (hi - lo) + 1e-12));
    }
    // Interpolating from some presets only uses none of the others.
    double[] fromV2 = Constants.interpolated(OTHER, List.of(ChipSpec.V2)).values();
    double[] v2 = Constants.shipped("v2").orElseThrow().values();
    for (int i = 0; i < v2.length; i++) {
      assertThat(fromV2[i]).isCloseTo(v2[i], within(1e-12 * Math.abs(v2[i])));
    }
  }

  @Test
  void aChipFilesAnalyticalSectionWinsRoundTripsAndIsChecked() {
    Map<String, Double> section = Constants.shipped("v2").orElseThrow().toMap();
    ChipSpec withSection = OTHER.withAnalytical(section);
    assertThat(AnalyticalModel.constantsFor(withSection).values()).isEqualTo(Constants.shipped("v2").orElseThrow().values());
    ChipSpec back = ChipFiles.parse(ChipFiles.toJson(withSection), "other.json");
    assertThat(back).isEqualTo(withSection);
    assertThat(back.sameHardware(OTHER)).isTrue();

    Map<String, Double> misspelt = new java.util.TreeMap<>(section);
    misspelt.put("lunch_cost", 1.0);
    assertThatThrownBy(() -> AnalyticalModel.create(OTHER.withAnalytical(misspelt))).hasMessageContaining("analytical.lunch_cost");
    Map<String, Double> missing = new java.util.TreeMap<>(section);
    missing.remove("dma_cost");
    assertThatThrownBy(() -> AnalyticalModel.create(OTHER.withAnalytical(missing))).hasMessageContaining("analytical.dma_cost");
    assertThatThrownBy(() -> ChipFiles.parse("{\"base\": \"v4\", \"analytical\": {\"step_cost\": \"x\"}}", "bad.json"))
        .hasMessageContaining("bad.json").hasMessageContaining("analytical.step_cost");
  }
}
