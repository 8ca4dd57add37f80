package dev.tpucost.api.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tpucost.api.tile.TileConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Ranks match a plain sort by (runtime, caller's order); refused candidates get rank 0 and keep their reason. */
class RankingTest {
  @Test
  void ranksFollowRuntimeThenCallersOrderAndSkipRefusals() {
    Random r = new Random(11);
    TileConfig t = TileConfig.parse("8,4/16,4");
    for (int trial = 0; trial < 50; trial++) {
      int n = 1 + r.nextInt(300);
      List<TilePrediction> ps = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        // Few distinct values, so ties are common.
        ps.add(r.nextInt(10) == 0 ? TilePrediction.refused(t, "too big") : TilePrediction.of(t, 1 + r.nextInt(20)));
      }
      Ranking ranking = Ranking.of(ps);
      List<Integer> expected = IntStream.range(0, n).filter(i -> !ps.get(i).isRefused()).boxed()
          .sorted(Comparator.comparingDouble((Integer i) -> ps.get(i).nanoseconds()).thenComparingInt(i -> i)).toList();
      int[] rank = new int[n];
      for (int k = 0; k < expected.size(); k++) {
        rank[expected.get(k)] = k + 1;
      }
      for (int i = 0; i < n; i++) {
        Ranking.Entry e = ranking.entries().get(i);
        assertThat(e.rank()).as("trial %d entry %d", trial, i).isEqualTo(rank[i]);
        assertThat(e.error().isPresent()).isEqualTo(ps.get(i).isRefused());
      }
      assertThat(ranking.best().map(Ranking.Entry::index)).isEqualTo(expected.stream().findFirst());
    }
  }
}
