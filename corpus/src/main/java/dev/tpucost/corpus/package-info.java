/**
 * The training corpus: {@code zoo} (seeded generators of realistic pre-fusion HLO programs in eight
 * families), {@code fusion} (an XLA-style fusion pass with a random mode), and {@code dataset} (sharded,
 * labelled (kernel, tile config, simulated runtime) datasets with a manifest and program-level splits).
 */
package dev.tpucost.corpus;
