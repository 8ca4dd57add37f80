package dev.tpucost.hlo.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the HLO readers and the TpuGraphs tuning reader with Jazzer. In a normal build these run as regression
 * tests over the inputs in {@code src/test/resources/dev/tpucost/hlo/fuzz/HloReadersFuzzTestInputs/}; to
 * fuzz, see {@code fuzz/run} at the project root.
 */
class HloReadersFuzzTest {
  @FuzzTest(maxDuration = "30m", maxExecutions = 100_000)
  void text(byte[] data) {
    Contract.text(data);
  }

  @FuzzTest(maxDuration = "30m", maxExecutions = 100_000)
  void proto(byte[] data) {
    Contract.proto(data);
  }

  @FuzzTest(maxDuration = "30m", maxExecutions = 100_000)
  void tuning(byte[] data) {
    Contract.tuning(data);
  }
}
