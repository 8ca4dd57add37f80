package dev.tpucost.api.hlo;

import java.util.Optional;

/** The {@code direction=} of a compare instruction. */
public enum ComparisonDirection {
  /** Equal. */
  EQ,
  /** Not equal. */
  NE,
  /** Greater or equal. */
  GE,
  /** Greater than. */
  GT,
  /** Less or equal. */
  LE,
  /** Less than. */
  LT;

  /** The direction spelled {@code text} (e.g. {@code LT}), if there is one. */
  public static Optional<ComparisonDirection> forText(String text) {
    for (ComparisonDirection d : values()) {
      if (d.name().equals(text)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
