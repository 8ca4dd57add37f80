package dev.tpucost.api.hlo;

/**
 * An HLO module, computation or instruction is not well formed (duplicate ids, an operand used before it
 * is defined, a call cycle, ...). The message names the module, computation and instruction concerned.
 */
public final class HloValidationException extends IllegalArgumentException {
  /** An exception with the given message. */
  public HloValidationException(String message) {
    super(message);
  }
}
