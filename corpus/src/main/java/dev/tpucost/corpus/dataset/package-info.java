/**
 * Labelled datasets: programs from the zoo (or real HLO files) through the fusion pass into distinct
 * kernels, each with tile configurations sampled from its {@code TileSpace} and labelled by the simulator;
 * sharded gzip files of length-delimited {@code KernelRecord}s with a JSON manifest, written atomically,
 * resumable, split by program.
 */
package dev.tpucost.corpus.dataset;
