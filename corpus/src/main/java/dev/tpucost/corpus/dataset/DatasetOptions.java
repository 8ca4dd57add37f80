package dev.tpucost.corpus.dataset;

import static com.google.common.base.Preconditions.checkArgument;

import dev.tpucost.api.chip.ChipSpec;

/**
 * What a generated dataset holds.
 *
 * @param programs number of zoo programs (families in turn)
 * @param configsPerKernel tile configs labelled per kernel (all when a kernel has fewer), default included
 * @param fusionVariants random fusion configurations per program, besides the greedy one
 * @param seed seed of every random choice
 * @param chip the chip the simulator labels for
 * @param threads worker threads (results do not depend on it)
 * @param programsPerShard programs per shard file
 * @param heldOutFamily the family that the {@code family} split keeps for test only
 */
public record DatasetOptions(
    int programs,
    int configsPerKernel,
    int fusionVariants,
    long seed,
    ChipSpec chip,
    int threads,
    int programsPerShard,
    String heldOutFamily) {

  /** The default dataset: 512 programs, 128 configs per kernel, 16 random fusions per program, seed 1, v4. */
  public static DatasetOptions defaults() {
    return new DatasetOptions(512, 128, 16, 1, ChipSpec.V4, Runtime.getRuntime().availableProcessors(), 8, "lstm");
  }

  /** Validates the options. */
  public DatasetOptions {
    checkArgument(programs >= 1, "--programs must be >= 1, got %s", programs);
    checkArgument(configsPerKernel >= 1, "--configs-per-kernel must be >= 1, got %s", configsPerKernel);
    checkArgument(fusionVariants >= 0, "--fusion-variants must be >= 0, got %s", fusionVariants);
    checkArgument(threads >= 1, "--threads must be >= 1, got %s", threads);
    checkArgument(programsPerShard >= 1, "programs per shard must be >= 1, got %s", programsPerShard);
  }

  /** These options with another program count. */
  public DatasetOptions withPrograms(int n) {
    return new DatasetOptions(n, configsPerKernel, fusionVariants, seed, chip, threads, programsPerShard, heldOutFamily);
  }

  /** These options with another thread count. */
  public DatasetOptions withThreads(int n) {
    return new DatasetOptions(programs, configsPerKernel, fusionVariants, seed, chip, n, programsPerShard, heldOutFamily);
  }
}
