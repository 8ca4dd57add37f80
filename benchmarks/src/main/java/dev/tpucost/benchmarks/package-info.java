/**
 * JMH benchmarks (latency, throughput) and the accuracy harness comparing the cost models. Filled in by
 * the benchmarks issue.
 */
package dev.tpucost.benchmarks;
