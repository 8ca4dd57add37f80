/**
 * The HLO-level intermediate representation: {@link dev.tpucost.api.hlo.Opcode}s with their categories,
 * {@link dev.tpucost.api.hlo.Instruction}s with typed op attributes, {@link dev.tpucost.api.hlo.Computation}s
 * and {@link dev.tpucost.api.hlo.HloModule}s. Everything is immutable and validated on construction
 * (unique ids, operands defined before use, no call cycles) with messages naming the offending
 * instruction or computation.
 */
package dev.tpucost.api.hlo;
