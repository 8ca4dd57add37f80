package dev.tpucost.api.hlo;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * The roles of a convolution's input, kernel and output dimensions (XLA's
 * {@code ConvolutionDimensionNumbers}; text form {@code dim_labels=b01f_01io->b01f}).
 *
 * @param inputBatch input batch dimension
 * @param inputFeature input feature dimension
 * @param inputSpatial input spatial dimensions
 * @param kernelInputFeature kernel input-feature dimension
 * @param kernelOutputFeature kernel output-feature dimension
 * @param kernelSpatial kernel spatial dimensions
 * @param outputBatch output batch dimension
 * @param outputFeature output feature dimension
 * @param outputSpatial output spatial dimensions
 */
public record ConvolutionDimensionNumbers(
    long inputBatch,
    long inputFeature,
    List<Long> inputSpatial,
    long kernelInputFeature,
    long kernelOutputFeature,
    List<Long> kernelSpatial,
    long outputBatch,
    long outputFeature,
    List<Long> outputSpatial) {

  /** Copies the lists and checks that the three spatial lists have one length. */
  public ConvolutionDimensionNumbers {
    inputSpatial = ImmutableList.copyOf(inputSpatial);
    kernelSpatial = ImmutableList.copyOf(kernelSpatial);
    outputSpatial = ImmutableList.copyOf(outputSpatial);
    if (inputSpatial.size() != kernelSpatial.size() || inputSpatial.size() != outputSpatial.size()) {
      throw new IllegalArgumentException(
          "convolution spatial dimension lists differ in length: input "
              + inputSpatial
              + ", kernel "
              + kernelSpatial
              + ", output "
              + outputSpatial);
    }
  }

  /** Number of spatial dimensions. */
  public int spatialRank() {
    return inputSpatial.size();
  }

  /**
   * The dimension numbers for the common NHWC layout with an HWIO kernel ({@code b01f_01io->b01f}) and
   * {@code spatialRank} spatial dimensions.
   */
  public static ConvolutionDimensionNumbers nhwc(int spatialRank) {
    ImmutableList.Builder<Long> spatial = ImmutableList.builder();
    ImmutableList.Builder<Long> kernel = ImmutableList.builder();
    for (int i = 0; i < spatialRank; i++) {
      spatial.add((long) i + 1);
      kernel.add((long) i);
    }
    List<Long> s = spatial.build();
    return new ConvolutionDimensionNumbers(
        0, spatialRank + 1, s, spatialRank, spatialRank + 1, kernel.build(), 0, spatialRank + 1, s);
  }
}
