package dev.tpucost.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tpucost.api.tile.TileConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An interval is checked where it is made, travels with its estimate, and never leaves the estimate outside. */
class IntervalTest {
  @Test
  void anImpossibleIntervalIsRefusedNamingWhatIsWrong() {
    assertThatThrownBy(() -> new Interval(5, 4, 0.8)).hasMessageContaining("high end");
    assertThatThrownBy(() -> new Interval(-1, 4, 0.8)).hasMessageContaining("low end");
    assertThatThrownBy(() -> new Interval(1, Double.POSITIVE_INFINITY, 0.8)).hasMessageContaining("high end");
    assertThatThrownBy(() -> new Interval(1, 2, 1.0)).hasMessageContaining("coverage");
    Interval i = new Interval(100, 250, 0.8);
    assertThat(i.contains(100)).isTrue();
    assertThat(i.contains(250)).isTrue();
    assertThat(i.contains(251)).isFalse();
    assertThat(i.ratio()).isEqualTo(2.5);
  }

  @Test
  void anEstimateKeepsItsIntervalThroughWarningsAndTileChoicesAndMustLieInsideIt() {
    Interval i = new Interval(100, 250, 0.8);
    Estimate e = Estimate.of(120).withInterval(i).withWarnings(List.of("careful"));
    assertThat(e.interval()).contains(i);
    assertThat(e.warnings()).containsExactly("careful");
    assertThat(Estimate.of(120).interval()).isEmpty();
    assertThatThrownBy(() -> Estimate.of(300).withInterval(i)).hasMessageContaining("outside its interval");
    assertThatThrownBy(() -> new Estimate(1, Map.of(), List.of(), TileSource.GIVEN, null)).hasMessageContaining("interval");

    TileConfig t = TileConfig.of(new long[] {8}, new long[] {8});
    assertThat(TilePrediction.of(t, 120, i).interval()).contains(i);
    assertThat(TilePrediction.of(t, 120).interval()).isEmpty();
    assertThat(TilePrediction.of(t, 120, i)).isNotEqualTo(TilePrediction.of(t, 120));
    assertThatThrownBy(() -> TilePrediction.of(t, 90, i)).hasMessageContaining("outside its interval");
    assertThat(TilePrediction.refused(t, "no").interval()).isEmpty();
    assertThat(new Estimate(120, Map.of(), List.of(), TileSource.GIVEN, Optional.of(i)).interval()).contains(i);
  }
}
