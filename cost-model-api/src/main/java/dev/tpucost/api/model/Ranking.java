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

  /**
   * Ranks a batch of predictions ({@link CostModel#predictAll}); ties keep the caller's order. The runtimes
   * are sorted as primitives ({@code Arrays.sort(double[])}); a candidate's rank is then the count of faster
   * runtimes (a binary search) plus the equal ones before it in the caller's order, plus one.
   */
  public static Ranking of(List<TilePrediction> predictions) {
    int n = predictions.size();
    double[] sorted = new double[n];
    int valid = 0;
    for (TilePrediction p : predictions) {
      if (!p.isRefused()) {
        sorted[valid++] = p.nanoseconds();
      }
    }
    java.util.Arrays.sort(sorted, 0, valid);
    int[] equalBefore = new int[valid];
    ImmutableList.Builder<Entry> b = ImmutableList.builderWithExpectedSize(n);
    for (int i = 0; i < n; i++) {
      TilePrediction p = predictions.get(i);
      if (p.isRefused()) {
        b.add(new Entry(i, p, 0));
        continue;
      }
      int faster = lowerBound(sorted, valid, p.nanoseconds());
      b.add(new Entry(i, p, faster + 1 + equalBefore[faster]++));
    }
    return new Ranking(b.build());
  }

  /** The number of {@code sorted[0, size)} less than {@code v}. */
  private static int lowerBound(double[] sorted, int size, double v) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
