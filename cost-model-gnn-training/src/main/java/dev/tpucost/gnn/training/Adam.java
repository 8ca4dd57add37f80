package dev.tpucost.gnn.training;

import dev.tpucost.gnn.net.Weights;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma and Ba) over the weight matrices, with bias correction and clipping of the global gradient
 * norm; its moments are saved in checkpoints so training resumes exactly.
 */
final class Adam {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;

  private double lr;
  private final Map<String, float[]> m = new LinkedHashMap<>();
  private final Map<String, float[]> v = new LinkedHashMap<>();
  private long t;

  Adam(double lr) {
    this.lr = lr;
  }

  /** Sets the step size of the following updates (a schedule over epochs). */
  void learningRate(double lr) {
    this.lr = lr;
  }

  long step() {
    return t;
  }

  /** One update of {@code w} by {@code grads}, whose global norm is first clipped to {@code maxNorm}. */
  void update(Weights w, Map<String, float[]> grads, double maxNorm) {
    double norm = 0;
    for (float[] g : grads.values()) {
      for (float x : g) {
        norm += (double) x * x;
      }
    }
    norm = Math.sqrt(norm);
    double scale = norm > maxNorm ? maxNorm / norm : 1;
    t++;
    double c1 = 1 - Math.pow(BETA1, t);
    double c2 = 1 - Math.pow(BETA2, t);
    for (Map.Entry<String, Weights.Matrix> e : w.all().entrySet()) {
      float[] g = grads.get(e.getKey());
      if (g == null) {
        continue; // a weight outside the trained graph (the quantile outputs, fitted afterwards)
      }
      float[] p = e.getValue().data();
      float[] mm = m.computeIfAbsent(e.getKey(), k -> new float[p.length]);
      float[] vv = v.computeIfAbsent(e.getKey(), k -> new float[p.length]);
      for (int i = 0; i < p.length; i++) {
        double gi = g[i] * scale;
        mm[i] = (float) (BETA1 * mm[i] + (1 - BETA1) * gi);
        vv[i] = (float) (BETA2 * vv[i] + (1 - BETA2) * gi * gi);
        p[i] -= (float) (lr * (mm[i] / c1) / (Math.sqrt(vv[i] / c2) + EPS));
      }
    }
  }

  byte[] save() throws IOException {
    Map<String, float[]> all = new LinkedHashMap<>();
    m.forEach((k, a) -> all.put("m/" + k, a));
    v.forEach((k, a) -> all.put("v/" + k, a));
    return ModelFileAccess.floats(all);
  }

  void restore(byte[] bytes, long step, String source) throws IOException {
    for (Map.Entry<String, float[]> e : ModelFileAccess.floats(bytes, source).entrySet()) {
      String key = e.getKey();
      (key.startsWith("m/") ? m : v).put(key.substring(2), e.getValue());
    }
    t = step;
  }
}
