package dev.tpucost.gnn.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tpucost.gnn.features.Featurizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link DuplicateRows} groups exactly the nodes whose opcode and row are equal, whatever their hashes. */
class DuplicateRowsTest {
  private static final int W = Featurizer.NODE_FEATURES;

  /** Rows drawn from a few prototypes, some told apart only by one entry the likeness hash skips. */
  private static float[][] rows(int n, long seed, int[] ops) {
    Random r = new Random(seed);
    float[][] proto = new float[6][W];
    for (float[] p : proto) {
      for (int c = 0; c < W; c++) {
        p[c] = r.nextBoolean() ? 0 : r.nextInt(5);
      }
    }
    proto[5] = proto[4].clone();
    proto[5][0] = proto[4][0] + 1; // the root flag: not hashed, must still tell the rows apart
    proto[3] = proto[2].clone();
    proto[3][39] = -0.0f; // a negative zero is a different bit pattern: kept apart (never wrong, only unshared)
    proto[2][39] = 0.0f;
    float[][] rows = new float[n][];
    for (int i = 0; i < n; i++) {
      int p = r.nextInt(proto.length);
      rows[i] = proto[p].clone();
      ops[i] = p == 1 && r.nextBoolean() ? 7 : 3; // prototype 1 under two opcodes
    }
    return rows;
  }

  /** The grouping by brute force: the first earlier node with equal opcode and bits. */
  private static int[] expected(int[] ops, float[][] rows) {
    int[] rep = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      rep[i] = i;
      for (int j = 0; j < i; j++) {
        if (ops[j] == ops[i] && java.util.Arrays.equals(rows[j], rows[i])) {
          rep[i] = j;
          break;
        }
      }
    }
    return rep;
  }

  @Test
  void groupsEqualRowsUnderTheirFirstNodeWithRealAndWithCollidingHashes() {
    for (long seed = 1; seed <= 20; seed++) {
      int n = 1 + (int) (seed * 7 % 90);
      int[] ops = new int[n];
      float[][] rows = rows(n, seed, ops);
      int[] want = expected(ops, rows);
      long distinct = java.util.stream.IntStream.range(0, n).filter(i -> want[i] == i).count();
      int[] table = new int[DuplicateRows.tableLength(n)];
      int[] real = new int[n];
      for (int i = 0; i < n; i++) {
        real[i] = Featurizer.likenessHash(rows[i]);
      }
      for (int[] hashes : new int[][] {real, new int[n]}) { // the second: every row collides
        int[] rep = new int[n];
        assertThat(DuplicateRows.group(ops, rows, n, W, hashes, rep, table)).isEqualTo(distinct);
        assertThat(rep).containsExactly(want);
      }
      if (n > 3) {
        assertThat(distinct).as("seed %d draws some duplicates", seed).isLessThan(n);
      }
    }
  }

  @Test
  void rowsAreComparedBitForBitOverTheGivenWidthOnly() {
    for (int width : new int[] {3, 15, 16, 17, 40, 48}) {
      float[] a = new float[width + 2];
      for (int c = 0; c < a.length; c++) {
        a[c] = c * 0.25f - 1;
      }
      float[] b = a.clone();
      b[width] = 99; // past the width: ignored
      assertThat(DuplicateRows.sameBits(a, b, width)).as("width %d", width).isTrue();
      for (int at = 0; at < width; at++) {
        float[] c = a.clone();
        c[at] = Math.nextUp(c[at]); // the smallest difference, at every position (the vector path's overlap too)
        assertThat(DuplicateRows.sameBits(a, c, width)).as("width %d, entry %d", width, at).isFalse();
      }
      float[] zero = new float[width];
      float[] negativeZero = new float[width];
      negativeZero[width - 1] = -0f;
      assertThat(DuplicateRows.sameBits(zero, negativeZero, width)).isFalse();
      if (width >= 16) { // the vector path compares bits: NaNs of other payloads are left apart (only unshared)
        float[] nan = zero.clone();
        float[] otherNaN = zero.clone();
        nan[0] = Float.NaN;
        otherNaN[0] = Float.intBitsToFloat(0x7fc00001);
        assertThat(DuplicateRows.sameBits(nan, nan.clone(), width)).isTrue();
        assertThat(DuplicateRows.sameBits(nan, otherNaN, width)).isFalse();
      }
    }
  }

  @Test
  void withoutOpcodesRowsAloneDecideAndTheFullHashSharesEqualRows() {
    float[][] rows = {{1, 2, 3}, {1, 2, 4}, {1, 2, 3}, {0, 0, 0}, {1, 2, 4}};
    int[] hashes = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      hashes[i] = DuplicateRows.hash(rows[i], 3);
    }
    assertThat(hashes[0]).isEqualTo(hashes[2]);
    int[] rep = new int[rows.length];
    assertThat(DuplicateRows.group(null, rows, rows.length, 3, hashes, rep, new int[DuplicateRows.tableLength(5)]))
        .isEqualTo(3);
    assertThat(rep).containsExactly(0, 1, 0, 3, 1);
  }
}
