package dev.tpucost.api.hlo;

import java.util.Locale;

/**
 * How many bf16 passes of the MXU a dot or convolution takes, from its operand types and its
 * {@code operand_precision} attribute. On TPU, XLA's {@code DEFAULT} precision multiplies f32 operands as a
 * single bf16 pass with f32 accumulation, {@code HIGH} as three ({@code bf16_3x}), {@code HIGHEST} as six
 * (JAX's matmul-precision guide, {@code docs.jax.dev/en/latest/201/precision.html}; jax issue #1856).
 * Operands of 16 bits or fewer always take one pass.
 */
public final class MatmulPrecision {
  private MatmulPrecision() {}

  /** bf16 passes of {@code op} (a dot or convolution) with operands of types {@code lhs} and {@code rhs}. */
  public static int bf16Passes(Instruction op, int lhsBits, int rhsBits) {
    return bf16Passes(op.attributes().getOrDefault("operand_precision", ""), lhsBits, rhsBits);
  }

  /** bf16 passes for an {@code operand_precision} attribute value and operand widths in bits. */
  public static int bf16Passes(String operandPrecision, int lhsBits, int rhsBits) {
    if (lhsBits <= 16 && rhsBits <= 16) {
      return 1;
    }
    String p = operandPrecision.toLowerCase(Locale.ROOT);
    if (p.contains("highest")) {
      return 6;
    }
    return p.contains("high") ? 3 : 1;
  }

}
