/**
 * The cycle-approximate TPU TensorCore simulator, the ground truth that the cost models learn from and are
 * judged against. Filled in by the tpu-sim issue.
 */
package dev.tpucost.sim;
