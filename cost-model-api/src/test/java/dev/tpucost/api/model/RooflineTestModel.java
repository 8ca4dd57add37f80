package dev.tpucost.api.model;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.KernelStats;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileFootprint;
import dev.tpucost.api.tile.TileSpace;

/** A test-scope cost model: the roofline of flops and per-step bytes, plus a fixed cost per step. */
public final class RooflineTestModel implements CostModel {
  private final ChipSpec chip;

  RooflineTestModel(ChipSpec chip) {
    this.chip = chip;
  }

  @Override
  public String name() {
    return "roofline-test";
  }

  @Override
  public ChipSpec chip() {
    return chip;
  }

  @Override
  public Estimate predict(Kernel kernel, TileConfig tile) {
    TileSpace space = TileSpace.of(kernel, chip);
    space.validate(tile);
    TileFootprint fp = space.footprint(tile);
    KernelStats s = kernel.stats();
    double computeNs = s.flops() / chip.peakFlopsPerDevice() * 1e9;
    double bytes = 0;
    for (long b : fp.parameterBytes()) {
      bytes += b;
    }
    double memoryNs = (bytes + fp.outputBytes()) * fp.steps() / chip.hbmBytesPerSecondPerDevice() * 1e9;
    return Estimate.of(Math.max(computeNs, memoryNs) + 350 * fp.steps());
  }

  /** Its provider, listed in META-INF/services of the test resources. */
  public static final class Provider implements CostModelProvider {
    @Override
    public String name() {
      return "roofline-test";
    }

    @Override
    public String description() {
      return "test-scope roofline";
    }

    @Override
    public CostModel create(ChipSpec chip) {
      return new RooflineTestModel(chip);
    }
  }
}
