package dev.tpucost.api.hlo;

import java.util.Optional;

/** XLA's fusion kinds, spelled {@code kLoop}, {@code kInput}, {@code kOutput}, {@code kCustom}. */
public enum FusionKind {
  /** Elementwise producer/consumer chains. */
  LOOP("kLoop"),
  /** A reduction with its producers. */
  INPUT("kInput"),
  /** A dot or convolution with its epilogue. */
  OUTPUT("kOutput"),
  /** A backend-specific fusion (e.g. a library GEMM call). */
  CUSTOM("kCustom");

  private final String text;

  FusionKind(String text) {
    this.text = text;
  }

  /** The spelling in text and proto, e.g. {@code kLoop}. */
  public String text() {
    return text;
  }

  /** The kind spelled {@code text}, if there is one. */
  public static Optional<FusionKind> forText(String text) {
    for (FusionKind k : values()) {
      if (k.text.equals(text)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return text;
  }
}
