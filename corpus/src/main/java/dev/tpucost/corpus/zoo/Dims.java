package dev.tpucost.corpus.zoo;

import dev.tpucost.api.shape.ElementType;
import java.util.Random;

/** Seeded choices of realistic hyper-parameters. */
final class Dims {
  private Dims() {}

  static long pick(Random r, long... choices) {
    return choices[r.nextInt(choices.length)];
  }

  static ElementType floatType(Random r) {
    return r.nextInt(3) == 0 ? ElementType.F32 : ElementType.BF16;
  }

  static int between(Random r, int lo, int hi) {
    return lo + r.nextInt(hi - lo + 1);
  }
}
