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

  /**
   * Ranks candidates by their predictions ({@code NaN} marks an invalid one, whose reason is in
   * {@code errors}). Ties keep the caller's order.
   */
  public static Ranking of(List<TileConfig> tiles, double[] predictedNs, String[] errors) {
    Integer[] order = new Integer[tiles.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> predictedNs[i]).thenComparingInt(i -> i));
    int[] rank = new int[order.length];
    int r = 1;
    for (Integer i : order) {
      if (errors[i] == null && !Double.isNaN(predictedNs[i])) {
        rank[i] = r++;
      }
    }
    ImmutableList.Builder<Entry> b = ImmutableList.builder();
    for (int i = 0; i < order.length; i++) {
      String err = errors[i] != null ? errors[i] : Double.isNaN(predictedNs[i]) ? "no prediction" : null;
      b.add(new Entry(i, tiles.get(i), err == null ? predictedNs[i] : Double.NaN, err == null ? rank[i] : 0, err));
    }
    return new Ranking(b.build());
  }
}
