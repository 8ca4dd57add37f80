package dev.tpucost.api.model;

import dev.tpucost.api.chip.ChipSpec;

/**
 * Creates instances of one cost model. Implementations are listed in
 * {@code META-INF/services/dev.tpucost.api.model.CostModelProvider} and need a public no-argument
 * constructor.
 */
public interface CostModelProvider {
  /** The name the model is registered under. */
  String name();

  /** One line saying what the model is. */
  String description();

  /** A model bound to {@code chip}. */
  CostModel create(ChipSpec chip);
}
