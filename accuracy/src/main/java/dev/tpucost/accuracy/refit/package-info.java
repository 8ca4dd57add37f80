/**
 * Fitting cost models to measured runtimes, fold by fold: the refitters that {@code tpucost evaluate --split
 * kernel} runs (leave one kernel out) for the simulator, the analytical model and the learned models.
 */
package dev.tpucost.accuracy.refit;
