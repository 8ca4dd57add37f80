/**
 * The training corpus: {@code zoo} (seeded generators of realistic pre-fusion HLO programs in nine
 * families), and {@code dataset} (sharded, labelled (kernel, tile config, simulated runtime) datasets with a
 * manifest and program-level splits). The fusion pass that turns zoo programs into kernels lives in the API
 * ({@link dev.tpucost.api.fusion.FusionPass}), where embedders and the command line use it too.
 */
package dev.tpucost.corpus;
