package dev.tpucost.hlo.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the two HLO readers with Jazzer. In a normal build these run as regression
 * tests over the inputs in {@code src/test/resources/dev/tpucost/hlo/fuzz/HloReadersFuzzTestInputs/}; to
 * fuzz, see {@code fuzz/run} at the project root.
 */
class HloReadersFuzzTest {
  @FuzzTest(maxDuration = "30m", maxExecutions = 100_000)
  @Timeout(5) // per input; Jazzer hands it to libFuzzer as -timeout
  void text(byte[] data) {
    Contract.text(data);
  }

  @FuzzTest(maxDuration = "30m", maxExecutions = 100_000)
  @Timeout(5) // per input; Jazzer hands it to libFuzzer as -timeout
  void proto(byte[] data) {
    Contract.proto(data);
  }
}
