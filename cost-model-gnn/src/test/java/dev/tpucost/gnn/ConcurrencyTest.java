package dev.tpucost.gnn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.CostModels;
import dev.tpucost.api.model.Ranking;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.api.fusion.FusionPass;
import dev.tpucost.corpus.zoo.Zoo;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Eight threads share one model and call {@code predict()} and {@code rank()} on 60 kernels in a seeded
 * random order; every answer must equal the single-threaded one, bit for bit, with no errors. CI makes
 * 2 000 calls per thread; {@code -Dtpucost.concurrency.calls=100000} runs the full test.
 */
class ConcurrencyTest {
  static final int THREADS = 8;
  static final int CALLS = Integer.getInteger("tpucost.concurrency.calls", 2_000);

  @ParameterizedTest
  @ValueSource(strings = {"analytical", "gnn", "hybrid"})
  void eightThreadsGetWhatOneThreadGets(String name) throws Exception {
    List<Kernel> kernels = new ArrayList<>();
    List<List<TileConfig>> tiles = new ArrayList<>();
    for (int p = 0; kernels.size() < 60; p++) {
      for (Kernel k : Kernels.of(FusionPass.random(Zoo.program(5, p).module(), 0.5, p))) {
        if (kernels.size() < 60 && k.nodeCount() <= 150) {
          List<TileConfig> c = new ArrayList<>(TileSpace.of(k, ChipSpec.V4).validConfigs(24));
          c.add(TileConfig.parse("/1,1,1,1,1,1,1,1,1")); // an invalid candidate: reported, never predicted
          kernels.add(k);
          tiles.add(c);
        }
      }
    }
    // The reference comes from a separate instance, so the shared one starts with empty caches.
    CostModel alone = CostModels.create(name, ChipSpec.V4);
    double[][] predicted = new double[kernels.size()][];
    List<Ranking> ranked = new ArrayList<>();
    for (int i = 0; i < kernels.size(); i++) {
      Ranking r = alone.rank(kernels.get(i), tiles.get(i));
      ranked.add(r);
      predicted[i] = new double[tiles.get(i).size()];
      for (Ranking.Entry e : r.entries()) {
        predicted[i][e.index()] = e.isValid() ? alone.predict(kernels.get(i), e.tile()).nanoseconds() : Double.NaN;
      }
    }
    CostModel shared = CostModels.create(name, ChipSpec.V4);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    long t0 = System.nanoTime();
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long seed = t;
        results.add(pool.submit(() -> {
          Random r = new Random(seed);
          int checked = 0;
          for (int n = 0; n < CALLS; n++) {
            int i = r.nextInt(kernels.size());
            if (r.nextInt(4) == 0) {
              assertThat(shared.rank(kernels.get(i), tiles.get(i))).isEqualTo(ranked.get(i));
            } else {
              int j = r.nextInt(tiles.get(i).size() - 1);
              assertThat(shared.predict(kernels.get(i), tiles.get(i).get(j)).nanoseconds()).isEqualTo(predicted[i][j]);
            }
            checked++;
          }
          return checked;
        }));
      }
      int total = 0;
      for (Future<Integer> f : results) {
        total += f.get();
      }
      assertThat(total).isEqualTo(THREADS * CALLS);
      System.out.printf("[ConcurrencyTest] %s: %d threads x %d calls, all equal to one thread's, in %.1f s%n", name, THREADS,
          CALLS, (System.nanoTime() - t0) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }
}
