package dev.tpucost.api.hlo;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * Which dimensions of a dot's operands are contracted and which are batch dimensions (XLA's
 * {@code DotDimensionNumbers}).
 *
 * @param lhsContracting contracting dimensions of the left operand
 * @param rhsContracting contracting dimensions of the right operand
 * @param lhsBatch batch dimensions of the left operand
 * @param rhsBatch batch dimensions of the right operand
 */
public record DotDimensionNumbers(
    List<Long> lhsContracting, List<Long> rhsContracting, List<Long> lhsBatch, List<Long> rhsBatch) {

  /** Copies the lists and checks that contracting and batch lists pair up. */
  public DotDimensionNumbers {
    lhsContracting = ImmutableList.copyOf(lhsContracting);
    rhsContracting = ImmutableList.copyOf(rhsContracting);
    lhsBatch = ImmutableList.copyOf(lhsBatch);
    rhsBatch = ImmutableList.copyOf(rhsBatch);
    if (lhsContracting.size() != rhsContracting.size()) {
      throw new IllegalArgumentException(
          "lhs_contracting_dims " + lhsContracting + " and rhs_contracting_dims " + rhsContracting + " differ in length");
    }
    if (lhsBatch.size() != rhsBatch.size()) {
      throw new IllegalArgumentException(
          "lhs_batch_dims " + lhsBatch + " and rhs_batch_dims " + rhsBatch + " differ in length");
    }
  }

  /** A plain matrix product {@code [M,K] x [K,N]}: contract lhs dim 1 with rhs dim 0. */
  public static DotDimensionNumbers matmul() {
    return MATMUL;
  }

  /**
   * One shared instance (the record is immutable): {@code dotDimensions().orElse(matmul())} evaluates its argument
   * for every dot, on the cost models' per-tile paths too.
   */
  private static final DotDimensionNumbers MATMUL =
      new DotDimensionNumbers(List.of(1L), List.of(0L), List.of(), List.of());
}
