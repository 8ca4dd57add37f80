package dev.tpucost.gnn.features;

/**
 * A kernel as numbers: per node its opcode id and {@link Featurizer#NODE_FEATURES} raw features, the
 * operand edges ({@code src[e]} is an operand of {@code dst[e]}), and kernel-level features.
 *
 * @param opcodes opcode id per node (0 = unknown)
 * @param nodes raw node features, {@code [n][NODE_FEATURES]}
 * @param src operand node of each edge
 * @param dst user node of each edge
 * @param kernelFeatures raw kernel-level features
 */
public record KernelGraph(int[] opcodes, float[][] nodes, int[] src, int[] dst, float[] kernelFeatures) {
  /** Number of nodes. */
  public int size() {
    return opcodes.length;
  }
}
