/**
 * The hand-written analytical cost model: roofline-style rules per opcode category with a few calibrated
 * constants per chip. Filled in by the cost-model-analytical issue.
 */
package dev.tpucost.analytical;
