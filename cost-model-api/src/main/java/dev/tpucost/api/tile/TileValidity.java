package dev.tpucost.api.tile;

import java.util.Optional;

/**
 * Whether a configuration's bounds are possible for a kernel: one entry per physical dimension of the
 * iteration space and of the weight, each at least 1 and at most the dimension's size in units. Bounds need
 * not divide (the last block is partial); a weight bound below what the output tile implies streams the
 * weight; {@code input_bounds} and {@code iteration_bounds} are accepted as the compiler states them. The
 * empty configuration ({@code /}) is always possible: it leaves the choice to the compiler and is costed at
 * the default, and it is the only configuration of a kernel with nothing to tile. VMEM is not a validity
 * question: a configuration the compiler ran is never refused for it (see {@link TileSpace#warnings}).
 */
final class TileValidity {
  private TileValidity() {}

  /** Why {@code c}'s bounds are impossible for the kernel of {@code g}, or empty. */
  static Optional<String> problem(TilingGeometry g, TileConfig c) {
    boolean noBounds = c.outputRank() == 0 && c.kernelRank() == 0;
    if (!g.tileable) {
      if (noBounds && c.inputBounds().length == 0 && c.iterationBounds().length == 0) {
        return Optional.empty();
      }
      return fail(g, c, "the kernel has nothing to tile (an unfused " + g.kernel.root().opcode().text()
          + "): its only configuration is the empty one, /");
    }
    if (noBounds) {
      return Optional.empty();
    }
    if (c.outputRank() != g.units.length) {
      return fail(g, c, "output_bounds has " + c.outputRank() + " entries but " + g.describeSpace() + " has "
          + g.units.length + " physical dimensions");
    }
    for (int p = 0; p < g.units.length; p++) {
      if (c.outputBound(p) > g.units[p]) {
        return fail(g, c, beyond("output_bounds", p, c.outputBound(p), g.units[p], g.dims[p], g.unit[p]));
      }
    }
    if (c.kernelRank() != g.wUnits.length) {
      return fail(g, c, "kernel_bounds has " + c.kernelRank() + " entries but "
          + (g.weight == null ? "the kernel has no dot or convolution weight"
              : "the weight " + g.weight + " has " + g.wUnits.length + " physical dimensions"));
    }
    for (int p = 0; p < g.wUnits.length; p++) {
      if (c.kernelBound(p) > g.wUnits[p]) {
        return fail(g, c, beyond("kernel_bounds", p, c.kernelBound(p), g.wUnits[p], g.wDims[p], g.wUnit[p]));
      }
    }
    return Optional.empty();
  }

  private static String beyond(String field, int p, long b, long units, long elements, long unit) {
    return String.format("%s[%d]=%d is beyond the dimension's %d units (%d elements in units of %d)",
        field, p, b, units, elements, unit);
  }

  private static Optional<String> fail(TilingGeometry g, TileConfig c, String message) {
    return Optional.of("kernel '" + g.kernel.name() + "', tile " + c + ": " + message);
  }
}
