/**
 * The cost-model service-provider interface: {@link dev.tpucost.api.model.CostModel} (predict, predictAll,
 * rank, estimate), its providers ({@link dev.tpucost.api.model.CostModelProvider}, found through
 * {@link java.util.ServiceLoader}) and the registry {@link dev.tpucost.api.model.CostModels}.
 */
package dev.tpucost.api.model;
