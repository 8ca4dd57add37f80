/**
 * Readers and writers for XLA HLO as dumped by XLA, JAX and TensorFlow: binary {@code HloModuleProto},
 * {@code HloProto} and {@code HloSnapshot} files and HLO text. Filled in by the hlo-proto issue.
 */
package dev.tpucost.hlo;
