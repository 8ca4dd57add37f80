/**
 * Reading and writing HLO as XLA, JAX and TensorFlow dump it. {@link dev.tpucost.hlo.HloFiles} loads a
 * file in either format, detecting which; {@code binary} reads and writes the protobuf forms
 * ({@code HloModuleProto}, {@code HloProto}, {@code HloSnapshot}); {@code text} parses and prints HLO text
 * (XLA's async syntax sugar included); {@code tuning} reads TpuGraphs' autotuning records with measured TPU
 * runtimes. Every reader fails with {@link dev.tpucost.hlo.HloParseException}, naming the file and the line,
 * column or proto field.
 */
package dev.tpucost.hlo;
