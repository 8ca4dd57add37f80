package dev.tpucost.sim;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.CostModelProvider;
import dev.tpucost.api.model.Estimate;
import dev.tpucost.api.tile.TileConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulator as a cost model ({@code sim}): its runtime is the estimate, so it can be evaluated against
 * measurements next to the models. Slower than the models and not meant for embedding; registered so that
 * {@code tpucost evaluate --models sim,...} and {@code predict --model sim} work wherever the simulator is
 * on the class path. Thread-safe.
 */
public final class SimulatorModel implements CostModel {
  private final Simulator sim;
  private final String name;

  private SimulatorModel(Simulator sim, String name) {
    this.sim = sim;
    this.name = name;
  }

  /** The simulator of {@code chip} with its calibration, as model {@code sim}. */
  public static SimulatorModel of(ChipSpec chip) {
    return new SimulatorModel(Simulator.of(chip), "sim");
  }

  /** {@code simulator} as a model called {@code name} (e.g. one with fitted constants). */
  public static SimulatorModel of(Simulator simulator, String name) {
    return new SimulatorModel(simulator, name);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ChipSpec chip() {
    return sim.chip();
  }

  @Override
  public Estimate predict(Kernel kernel, TileConfig tile) {
    CostModel.checkArguments(kernel, tile);
    SimResult r = sim.simulate(tileSpace(kernel), tile);
    SimResult.Breakdown b = r.breakdown();
    Map<String, Double> breakdown = new LinkedHashMap<>();
    double ns = 1 / sim.chip().clockGhz();
    breakdown.put("mxu", b.mxuBusy() * ns);
    breakdown.put("vpu", b.vpuBusy() * ns);
    breakdown.put("xlu", b.xluBusy() * ns);
    breakdown.put("dma_in", b.dmaIn() * ns);
    breakdown.put("dma_out", b.dmaOut() * ns);
    breakdown.put("step_overhead", b.stepOverhead() * ns);
    breakdown.put("stall", b.stall() * ns);
    List<String> warnings = r.spilled() ? List.of("the working set exceeds VMEM: simulated as spilling") : List.of();
    return new Estimate(r.nanoseconds(), breakdown, warnings);
  }

  /** Registers {@code sim}. */
  public static final class Provider implements CostModelProvider {
    @Override
    public String name() {
      return "sim";
    }

    @Override
    public String description() {
      return "the cycle-approximate simulator itself, with the chip's calibration (fitted to TPU measurements)";
    }

    @Override
    public CostModel create(ChipSpec chip) {
      return SimulatorModel.of(chip);
    }
  }
}
