package dev.tpucost.gnn.training;

import static com.google.common.base.Preconditions.checkArgument;

import dev.tpucost.gnn.net.Weights;
import java.util.Map;

/**
 * An exponential moving average of the weights over optimiser steps (Polyak averaging; Polyak and Juditsky,
 * 1992): after step {@code t} each average moves to {@code a ← r·a + (1 − r)·w} with {@code r = min(d, (1 + t)
 * / (10 + t))}, the ramp that keeps the first steps from weighting the initial weights for long. The average
 * of a noisy trajectory sits nearer its centre than any point of it: what a validation metric swinging by
 * points from one epoch to the next needs.
 */
final class WeightAverage {
  private final double decay;
  private final Weights average;
  private long steps;

  /** An average starting at {@code initial} (copied), before any step. */
  WeightAverage(double decay, Weights initial) {
    this(decay, Trainer.copy(initial), 0);
  }

  private WeightAverage(double decay, Weights average, long steps) {
    checkArgument(decay > 0 && decay < 1, "weight-average decay must lie in (0, 1), got %s", decay);
    this.decay = decay;
    this.average = average;
    this.steps = steps;
  }

  /** The average saved in a checkpoint after {@code steps} steps (taken as it is). */
  static WeightAverage restore(double decay, Weights saved, long steps) {
    return new WeightAverage(decay, saved, steps);
  }

  /** Folds in the weights after one more optimiser step. */
  void update(Weights w) {
    steps++;
    float r = (float) Math.min(decay, (1.0 + steps) / (10.0 + steps));
    for (Map.Entry<String, Weights.Matrix> e : average.all().entrySet()) {
      float[] a = e.getValue().data();
      float[] x = w.all().get(e.getKey()).data();
      for (int i = 0; i < a.length; i++) {
        a[i] = r * a[i] + (1 - r) * x[i];
      }
    }
  }

  /** The current average (live: later updates change it; copy it to keep it). */
  Weights weights() {
    return average;
  }
}
