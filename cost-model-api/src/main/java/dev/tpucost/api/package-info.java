/**
 * The tpucost API: the HLO-level intermediate representation, kernels and their static counts, tile
 * configurations, chip descriptions, and the {@link dev.tpucost.api.model.CostModel} service-provider
 * interface that every cost model implements.
 *
 * <p>Sub-packages, by feature: {@code shape} (element types, layouts, shapes), {@code hlo} (opcodes,
 * instructions, computations, modules), {@code kernel} (the unit a cost model predicts and its
 * {@code HloCostAnalysis}-style counts), {@code tile} (tile configurations and the space of valid ones),
 * {@code chip} (chip descriptions and chip files) and {@code model} (the SPI and its registry).
 */
package dev.tpucost.api;
