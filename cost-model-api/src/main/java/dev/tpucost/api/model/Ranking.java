package dev.tpucost.api.model;

import com.google.common.collect.ImmutableList;
import dev.tpucost.api.tile.TileConfig;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Candidate tile configurations ranked by predicted runtime. Each {@link Entry} keeps its candidate's
 * 0-based index in the caller's list; rank 1 is the fastest; an invalid candidate has no prediction, rank
 * 0 and the reason in {@code error}.
 *
 * @param entries one entry per candidate, in the caller's order
 */
public record Ranking(List<Entry> entries) {
  /**
   * One candidate.
   *
   * @param index 0-based position among the candidates
   * @param tile the candidate
   * @param predictedNs predicted runtime (NaN if invalid)
   * @param rank 1 = fastest; 0 if invalid
   * @param error why the candidate is invalid, or null
   */
  public record Entry(int index, TileConfig tile, double predictedNs, int rank, String error) {
    /** True if the candidate was valid and has a prediction. */
    public boolean isValid() {
      return error == null;
    }
  }

  /** Copies the entries. */
  public Ranking {
    entries = ImmutableList.copyOf(entries);
  }

  /** Valid entries from fastest to slowest. */
  public List<Entry> byRank() {
    return entries.stream().filter(Entry::isValid).sorted(Comparator.comparingInt(Entry::rank)).toList();
  }

  /** The fastest valid candidate, if any. */
  public Optional<Entry> best() {
    return entries.stream().filter(e -> e.rank() == 1).findFirst();
  }

  /** Ranks a batch of predictions ({@link CostModel#predictAll}); ties keep the caller's order. */
  public static Ranking of(List<TilePrediction> predictions) {
    int n = predictions.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> predictions.get(i).isRefused()
        ? Double.POSITIVE_INFINITY : predictions.get(i).nanoseconds()).thenComparingInt(i -> i));
    int[] rank = new int[n];
    int r = 1;
    for (Integer i : order) {
      if (!predictions.get(i).isRefused()) {
        rank[i] = r++;
      }
    }
    ImmutableList.Builder<Entry> b = ImmutableList.builder();
    for (int i = 0; i < n; i++) {
      TilePrediction p = predictions.get(i);
      b.add(p.isRefused() ? new Entry(i, p.tile(), Double.NaN, 0, p.refusal().orElseThrow())
          : new Entry(i, p.tile(), p.nanoseconds(), rank[i], null));
    }
    return new Ranking(b.build());
  }
}
