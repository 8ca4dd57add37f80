package dev.tpucost.api.hlo;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * XLA's {@code GatherDimensionNumbers}.
 *
 * @param offsetDims output dimensions that index into a gathered slice
 * @param collapsedSliceDims operand dimensions of size-1 slices dropped from the output
 * @param startIndexMap operand dimension that each index-vector entry addresses
 * @param indexVectorDim the dimension of the start indices holding the index vector
 * @param operandBatchingDims operand batching dimensions
 * @param startIndicesBatchingDims start-indices batching dimensions
 */
public record GatherDimensionNumbers(
    List<Long> offsetDims,
    List<Long> collapsedSliceDims,
    List<Long> startIndexMap,
    long indexVectorDim,
    List<Long> operandBatchingDims,
    List<Long> startIndicesBatchingDims) {

  /** Copies the lists. */
  public GatherDimensionNumbers {
    offsetDims = ImmutableList.copyOf(offsetDims);
    collapsedSliceDims = ImmutableList.copyOf(collapsedSliceDims);
    startIndexMap = ImmutableList.copyOf(startIndexMap);
    operandBatchingDims = ImmutableList.copyOf(operandBatchingDims);
    startIndicesBatchingDims = ImmutableList.copyOf(startIndicesBatchingDims);
  }
}
