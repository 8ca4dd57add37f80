package dev.tpucost.api.hlo;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * XLA's {@code ScatterDimensionNumbers}.
 *
 * @param updateWindowDims update dimensions that are window dimensions
 * @param insertedWindowDims operand dimensions of size-1 windows not present in updates
 * @param scatterDimsToOperandDims operand dimension each index-vector entry addresses
 * @param indexVectorDim the dimension of the indices holding the index vector
 * @param inputBatchingDims operand batching dimensions
 * @param scatterIndicesBatchingDims indices batching dimensions
 */
public record ScatterDimensionNumbers(
    List<Long> updateWindowDims,
    List<Long> insertedWindowDims,
    List<Long> scatterDimsToOperandDims,
    long indexVectorDim,
    List<Long> inputBatchingDims,
    List<Long> scatterIndicesBatchingDims) {

  /** Copies the lists. */
  public ScatterDimensionNumbers {
    updateWindowDims = ImmutableList.copyOf(updateWindowDims);
    insertedWindowDims = ImmutableList.copyOf(insertedWindowDims);
    scatterDimsToOperandDims = ImmutableList.copyOf(scatterDimsToOperandDims);
    inputBatchingDims = ImmutableList.copyOf(inputBatchingDims);
    scatterIndicesBatchingDims = ImmutableList.copyOf(scatterIndicesBatchingDims);
  }
}
