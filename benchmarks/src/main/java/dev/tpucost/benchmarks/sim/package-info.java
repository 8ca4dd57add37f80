/** Simulator throughput: (kernel, tile) simulations per second. */
package dev.tpucost.benchmarks.sim;
