package dev.tpucost.api.tile;

/**
 * A tile configuration is impossible for a kernel on a chip: a bound that neither divides nor covers its
 * dimension, a list of the wrong length, or a working set that does not fit in VMEM. The message names
 * the field and the kernel.
 */
public final class InvalidTileException extends IllegalArgumentException {
  /** An exception with the given message. */
  public InvalidTileException(String message) {
    super(message);
  }
}
