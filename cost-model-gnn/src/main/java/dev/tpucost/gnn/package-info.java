/**
 * The learned cost model after Kaufman et al.: a GraphSAGE network over each kernel's HLO graph with a
 * late-joined head per tile config. {@code features} turns kernels and configs into numbers,
 * {@code net} holds the network (weights, the plain-Java forward pass that {@code predict()} runs, and
 * the SameDiff graph that training differentiates), {@code training} fits it on a dataset. The models
 * {@code gnn} and {@code hybrid} (which learns the analytical model's error) are registered through the
 * SPI and load a default model shipped in the jar.
 */
package dev.tpucost.gnn;
