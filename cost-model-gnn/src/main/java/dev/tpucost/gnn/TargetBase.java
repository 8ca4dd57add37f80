package dev.tpucost.gnn;

import dev.tpucost.gnn.features.ChipFeatures;

/**
 * What a learned model's output is relative to: its network predicts {@code log(runtime / base)} and the estimate
 * is {@code base * exp(output)}. The model file's {@code kind} names it.
 *
 * <ul>
 *   <li>{@link #NONE} ({@code gnn}): the log runtime itself (Kaufman et al.).
 *   <li>{@link #ANALYTICAL} ({@code hybrid}): the analytical model's estimate of the same tile, so the network
 *       learns a correction of a closed form that already knows the chip.
 *   <li>{@link #ROOFLINE} ({@code roofline}): the kernel's roofline bound on the chip
 *       ({@link ChipFeatures#rooflineNanoseconds}), so the network learns how far from the roofline a kernel
 *       runs, a quantity that carries from chip to chip better than a runtime (NeuSight, Lee et al., ASPLOS 2025,
 *       predicts GPU utilisation under the roofline for that reason). One factor per kernel: it moves every
 *       tile's estimate alike, so it changes what the network must learn of the level, not the ranking's form.
 * </ul>
 */
public enum TargetBase {
  NONE("gnn"),
  ANALYTICAL("hybrid"),
  ROOFLINE("roofline");

  private final String kind;

  TargetBase(String kind) {
    this.kind = kind;
  }

  /** The model file {@code kind} of a model with this base. */
  public String kind() {
    return kind;
  }

  /** The base of a model file's {@code kind}. */
  public static TargetBase ofKind(String kind) {
    for (TargetBase b : values()) {
      if (b.kind.equals(kind)) {
        return b;
      }
    }
    throw new IllegalArgumentException("model kind '" + kind + "' is none of gnn, hybrid, roofline");
  }
}
