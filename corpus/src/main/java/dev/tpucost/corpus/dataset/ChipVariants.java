package dev.tpucost.corpus.dataset;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.sim.SimCalibration;
import java.util.List;
import java.util.Random;

/**
 * Seeded random chips around the presets, to train a chip-conditioned model on chips whose every figure
 * varies (a figure constant across the training chips is one the model never learns: trained on v2–v4, all
 * with 2 TensorCores and 16 MiB of VMEM, it could not place v5e's runtimes). Each variant starts from a
 * preset picked at random and redraws its figures: TensorCores 1 or 2 (a megacore only with 2), MXUs per
 * core 1, 2, 4 or 8, clock × [0.7, 1.4], VPU ALUs 1 or 2, VMEM 16, 32, 64 or 128 MiB, HBM bandwidth × [0.6,
 * 2.0]; MXU size, SMEM, HBM size and DMA engines stay the preset's. Its simulator constants are interpolated
 * from the presets' calibrated ones, weighted by the inverse distance of the figures (log scale) to each
 * preset, and written into the chip's {@code simulator} section, so a dataset made with the chip file is
 * labelled with them. The discrete figures can be dealt evenly instead ({@link #around(List, int, long, double,
 * boolean)}). One seed gives the same chips. Stateless.
 */
public final class ChipVariants {
  private static final int[] CORES = {1, 2};
  private static final int[] MXUS = {1, 2, 4, 8};
  private static final int[] ALUS = {1, 2};
  private static final long[] VMEM_MIB = {16, 32, 64, 128};

  /** The least and the greatest spread {@link #around(List, int, long, double)} takes. */
  public static final double MIN_SPREAD = 1;

  /** See {@link #MIN_SPREAD}. */
  public static final double MAX_SPREAD = 4;

  /**
   * The simulator constants a chip's figures do not tell: the three that calibration fits and on which the two
   * independently calibrated chips disagree (v3's, fitted to its measured runs, against v5e's, fitted to the
   * published Pallas timings: step overhead 88 against 210 cycles, MXU fill share 0.65 against 0.55, MXU scale
   * 0.51 against 0.95; the README's calibration table). Every other constant is shared by them.
   */
  public static final List<String> HIDDEN_CONSTANTS = List.of("step_overhead_cycles", "mxu_fill_share", "mxu_scale");

  /** The least and the greatest factor {@link #withHiddenSpread} takes. */
  public static final double MIN_HIDDEN_SPREAD = 1;

  /** See {@link #MIN_HIDDEN_SPREAD}. */
  public static final double MAX_HIDDEN_SPREAD = 4;

  private ChipVariants() {}

  /** {@code n} variants around every preset drawn with {@code seed}, named {@code variant-SEED-K}. */
  public static List<ChipSpec> of(int n, long seed) {
    return around(ImmutableList.copyOf(ChipSpec.presets().values()), n, seed);
  }

  /**
   * {@code n} variants around {@code presets} only (their figures and constants: to hold a preset out of
   * training, leave it out here), drawn with {@code seed}, named {@code variant-SEED-K}.
   */
  public static List<ChipSpec> around(List<ChipSpec> presets, int n, long seed) {
    return around(presets, n, seed, 1);
  }

  /**
   * {@link #around(List, int, long)} with the clock's and the HBM bandwidth's ranges widened: the factors are
   * drawn from {@code [0.7^spread, 1.4^spread]} and {@code [0.6^spread, 2.0^spread]} (uniformly; spread 1 gives
   * exactly the chips of {@link #around(List, int, long)}, 2 chips as far again from their preset) — harder chips,
   * farther from the training chips than those chips are from each other, to calibrate how a model does on a
   * chip unlike any it trained on.
   */
  public static List<ChipSpec> around(List<ChipSpec> presets, int n, long seed, double spread) {
    return around(presets, n, seed, spread, false);
  }

  /**
   * {@link #around(List, int, long, double)}, with the discrete figures {@code stratified} if asked: the core
   * arrangement (1 TensorCore, 2, or 2 as a megacore), MXUs per core, VPU ALUs and VMEM are then dealt so that
   * each of a figure's values goes to {@code floor(n/k)} or {@code ceil(n/k)} of the {@code n} variants ({@code k}
   * values), in an order drawn from their own stream ({@code seed + 2}), every other figure and the preset each
   * starts from being those of the same seed without it. Drawn independently, a figure's rarer values can go
   * missing from a few variants (a megacore is one chip in four: seed 8's eight variants hold one), and a model
   * never learns a value no training chip has.
   */
  public static List<ChipSpec> around(List<ChipSpec> presets, int n, long seed, double spread, boolean stratified) {
    checkArgument(n >= 1, "the number of chip variants must be >= 1, got %s", n);
    checkArgument(!presets.isEmpty(), "chip variants need at least one preset to vary");
    checkArgument(spread >= MIN_SPREAD && spread <= MAX_SPREAD, "the spread of chip variants must be in [%s, %s], got %s",
        MIN_SPREAD, MAX_SPREAD, spread);
    Random r = new Random(seed);
    Random dealer = new Random(seed + 2);
    int[] arrangements = stratified ? dealt(n, 3, dealer) : null;
    int[] mxus = stratified ? dealt(n, MXUS.length, dealer) : null;
    int[] alus = stratified ? dealt(n, ALUS.length, dealer) : null;
    int[] vmem = stratified ? dealt(n, VMEM_MIB.length, dealer) : null;
    ImmutableList.Builder<ChipSpec> out = ImmutableList.builder();
    for (int k = 0; k < n; k++) {
      ChipSpec p = presets.get(r.nextInt(presets.size()));
      int cores = CORES[r.nextInt(CORES.length)];
      boolean megacore = cores == 2 && r.nextBoolean();
      double clock = Math.round(p.clockGhz() * factor(r.nextDouble(), 0.7, 0.7, spread) * 100) / 100.0;
      double hbm = Math.round(p.hbmGbps() * factor(r.nextDouble(), 0.6, 1.4, spread));
      int mxu = MXUS[r.nextInt(MXUS.length)];
      int alu = ALUS[r.nextInt(ALUS.length)];
      long vmemMib = VMEM_MIB[r.nextInt(VMEM_MIB.length)];
      if (stratified) { // (the independent draws above still taken, so every other figure is the same seed's)
        cores = arrangements[k] == 0 ? 1 : 2;
        megacore = arrangements[k] == 2;
        mxu = MXUS[mxus[k]];
        alu = ALUS[alus[k]];
        vmemMib = VMEM_MIB[vmem[k]];
      }
      ChipSpec figures = new ChipSpec("variant-" + seed + "-" + k, cores, megacore, mxu, p.mxuRows(), p.mxuCols(),
          clock, p.vpuSublanes(), p.vpuLanes(), alu, vmemMib << 20, p.smemBytes(), p.hbmBytes(), hbm, p.dmaEngines());
      out.add(figures.withSimulator(interpolated(figures, presets).toMap()));
    }
    return out.build();
  }

  /**
   * Indices of {@code k} values dealt to {@code n} variants: whole rounds of a shuffled {@code 0 .. k-1}, the last
   * round cut short, then the whole shuffled again (each value {@code floor(n/k)} or {@code ceil(n/k)} times).
   */
  private static int[] dealt(int n, int k, Random r) {
    List<Integer> deck = new java.util.ArrayList<>(n);
    while (deck.size() < n) {
      List<Integer> round = new java.util.ArrayList<>(k);
      for (int v = 0; v < k; v++) {
        round.add(v);
      }
      java.util.Collections.shuffle(round, r);
      deck.addAll(round.subList(0, Math.min(k, n - deck.size())));
    }
    java.util.Collections.shuffle(deck, r);
    return deck.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * A factor drawn from {@code u} in [0, 1): in {@code [lo, lo + width]} at spread 1 (written as before the spread
   * existed, so its chips stay bit for bit the same), else in {@code [lo^spread, (lo + width)^spread]}.
   */
  private static double factor(double u, double lo, double width, double spread) {
    if (spread == 1) {
      return lo + width * u;
    }
    double from = Math.pow(lo, spread);
    return from + (Math.pow(lo + width, spread) - from) * u;
  }

  /**
   * {@code chips} with each of their {@link #HIDDEN_CONSTANTS} multiplied by its own factor drawn log-uniformly
   * from {@code [1/factor, factor]} with {@code seed} (clamped to the simulator's range), every figure and other
   * constant kept: chips that behave unlike what interpolation from their figures says, as a real new chip does
   * (v5e's step overhead is 2.4 times v3's, its MXU scale 1.9 times). A model calibrated or trained on such chips
   * learns how little its figures tell. Factor 1 returns the chips unchanged; one seed gives the same chips.
   */
  public static List<ChipSpec> withHiddenSpread(List<ChipSpec> chips, double factor, long seed) {
    checkArgument(factor >= MIN_HIDDEN_SPREAD && factor <= MAX_HIDDEN_SPREAD,
        "the hidden constants' spread must be in [%s, %s], got %s", MIN_HIDDEN_SPREAD, MAX_HIDDEN_SPREAD, factor);
    if (factor == MIN_HIDDEN_SPREAD) {
      return ImmutableList.copyOf(chips);
    }
    Random r = new Random(seed);
    ImmutableList.Builder<ChipSpec> out = ImmutableList.builder();
    for (ChipSpec c : chips) {
      double[] v = SimCalibration.of(c).values();
      for (String name : HIDDEN_CONSTANTS) {
        int i = SimCalibration.NAMES.indexOf(name);
        double drawn = v[i] * Math.pow(factor, 2 * r.nextDouble() - 1);
        v[i] = Math.min(SimCalibration.UPPER[i], Math.max(SimCalibration.LOWER[i], drawn));
      }
      out.add(c.withSimulator(SimCalibration.of(v).toMap()));
    }
    return out.build();
  }

  /** The presets' shipped simulator constants, weighted by the inverse distance of their figures to {@code c}'s. */
  static SimCalibration interpolated(ChipSpec c, List<ChipSpec> presets) {
    return SimCalibration.of(c.interpolate(presets, p -> SimCalibration.shipped(p).values()));
  }
}
