package dev.tpucost.api.model;

/** No cost model is registered under the requested name; the message lists the available ones. */
public final class UnknownCostModelException extends IllegalArgumentException {
  /** An exception with the given message. */
  public UnknownCostModelException(String message) {
    super(message);
  }
}
