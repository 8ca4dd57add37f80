package dev.tpucost.api.model;

import com.google.common.collect.ImmutableList;
import dev.tpucost.api.tile.TileConfig;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Candidate tile configurations ranked by predicted runtime. Each {@link Entry} keeps its candidate's
 * 0-based index in the caller's list; rank 1 is the fastest; a refused candidate has rank 0 and its reason
 * ({@link Entry#error()}), never a runtime.
 *
 * @param entries one entry per candidate, in the caller's order
 */
public record Ranking(List<Entry> entries) {
  /**
   * One candidate.
   *
   * @param index 0-based position among the candidates
   * @param prediction its prediction or refusal
   * @param rank 1 = fastest; 0 if refused
   */
  public record Entry(int index, TilePrediction prediction, int rank) {
    /** The candidate. */
    public TileConfig tile() {
      return prediction.tile();
    }

    /** True if the candidate was valid and has a prediction. */
    public boolean isValid() {
      return !prediction.isRefused();
    }

    /**
     * The predicted runtime in nanoseconds.
     *
     * @throws IllegalStateException naming the candidate and the reason if it was refused
     */
    public double predictedNs() {
      return prediction.nanoseconds();
    }

    /** Why the candidate was refused; empty if it was ranked. */
    public Optional<String> error() {
      return prediction.refusal();
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
      b.add(new Entry(i, p, p.isRefused() ? 0 : rank[i]));
    }
    return new Ranking(b.build());
  }
}
