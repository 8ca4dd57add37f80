/** Latency of the cost models' predict() and rank() on kernels of different sizes. */
package dev.tpucost.benchmarks.models;
