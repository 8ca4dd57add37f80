package dev.tpucost.api.kernel;

/**
 * Static counts of one kernel, following XLA's {@code HloCostAnalysis}: floating-point (and integer)
 * operations with a multiply-add counted as 2, transcendental operations, and bytes read from and written
 * to memory outside the kernel (intermediate values of a fusion never reach memory).
 *
 * @param flops operations, {@code HloCostAnalysis}'s {@code flops}
 * @param transcendentals transcendental operations (exp, log, tanh, rsqrt, sine, power, ...)
 * @param bytesRead bytes read from outside the kernel
 * @param bytesWritten bytes written to outside the kernel
 * @param unknownCostOps instructions whose cost is unknown (custom-calls); counted, not guessed
 */
public record KernelStats(
    double flops, double transcendentals, double bytesRead, double bytesWritten, int unknownCostOps) {

  /** Bytes accessed: {@code bytesRead + bytesWritten} ({@code HloCostAnalysis}'s {@code bytes accessed}). */
  public double bytesAccessed() {
    return bytesRead + bytesWritten;
  }

  /** Operational intensity: flops per byte accessed (0 when no bytes move). */
  public double flopsPerByte() {
    double b = bytesAccessed();
    return b == 0 ? 0 : flops / b;
  }
}
