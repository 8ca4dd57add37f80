/**
 * An XLA-style instruction fusion pass over pre-fusion modules ({@link dev.tpucost.api.fusion.FusionPass}),
 * with a seeded random mode that, like the paper's fusion dataset, turns one program into many different
 * sets of kernels.
 */
package dev.tpucost.api.fusion;
