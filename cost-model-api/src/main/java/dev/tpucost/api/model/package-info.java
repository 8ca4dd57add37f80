/**
 * The cost-model service-provider interface: {@link dev.tpucost.api.model.CostModel} (predict, predictAll,
 * rank, estimate), its providers ({@link dev.tpucost.api.model.CostModelProvider}, found through
 * {@link java.util.ServiceLoader}) and the registry {@link dev.tpucost.api.model.CostModels}; which tile a
 * kernel is costed at when none is given ({@link dev.tpucost.api.model.TileChoice}: the compiler's, else the
 * default) and module estimates ({@link dev.tpucost.api.model.ModuleEstimate}: every kernel, none dropped).
 */
package dev.tpucost.api.model;
