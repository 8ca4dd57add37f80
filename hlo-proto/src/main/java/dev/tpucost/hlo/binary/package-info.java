/**
 * Binary HLO: {@link dev.tpucost.hlo.binary.HloProtoReader} reads {@code HloModuleProto},
 * {@code HloProto} and {@code HloSnapshot} bytes (detecting which) into the IR, resolving everything by
 * id; {@link dev.tpucost.hlo.binary.HloProtoWriter} writes the IR back as {@code HloModuleProto}.
 * {@link dev.tpucost.hlo.binary.LiteralText} converts constants between {@code LiteralProto} and text.
 */
package dev.tpucost.hlo.binary;
