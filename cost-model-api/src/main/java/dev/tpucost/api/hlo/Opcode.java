package dev.tpucost.api.hlo;

import static dev.tpucost.api.hlo.OpCategory.COLLECTIVE;
import static dev.tpucost.api.hlo.OpCategory.CONTRACTION;
import static dev.tpucost.api.hlo.OpCategory.CONTROL;
import static dev.tpucost.api.hlo.OpCategory.DATA_MOVEMENT;
import static dev.tpucost.api.hlo.OpCategory.ELEMENTWISE;
import static dev.tpucost.api.hlo.OpCategory.OTHER;
import static dev.tpucost.api.hlo.OpCategory.REDUCTION;
import static dev.tpucost.api.hlo.OpCategory.TRANSCENDENTAL;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every HLO opcode under its text spelling (as in XLA's {@code hlo_opcode.h}, e.g. {@code exponential},
 * {@code get-tuple-element}), with its {@link OpCategory}. The spelling is also the proto's
 * {@code opcode} string.
 */
public enum Opcode {
  ABS("abs", ELEMENTWISE),
  ACOS("acos", TRANSCENDENTAL),
  ACOSH("acosh", TRANSCENDENTAL),
  ADD("add", ELEMENTWISE),
  ADD_DEPENDENCY("add-dependency", OTHER),
  AFTER_ALL("after-all", OTHER),
  ALL_GATHER("all-gather", COLLECTIVE),
  ALL_GATHER_DONE("all-gather-done", COLLECTIVE),
  ALL_GATHER_START("all-gather-start", COLLECTIVE),
  ALL_REDUCE("all-reduce", COLLECTIVE),
  ALL_REDUCE_DONE("all-reduce-done", COLLECTIVE),
  ALL_REDUCE_START("all-reduce-start", COLLECTIVE),
  ALL_TO_ALL("all-to-all", COLLECTIVE),
  AND("and", ELEMENTWISE),
  ASIN("asin", TRANSCENDENTAL),
  ASINH("asinh", TRANSCENDENTAL),
  ASYNC_DONE("async-done", CONTROL),
  ASYNC_START("async-start", CONTROL),
  ASYNC_UPDATE("async-update", CONTROL),
  ATAN("atan", TRANSCENDENTAL),
  ATAN2("atan2", TRANSCENDENTAL),
  ATANH("atanh", TRANSCENDENTAL),
  BATCH_NORM_GRAD("batch-norm-grad", OTHER),
  BATCH_NORM_INFERENCE("batch-norm-inference", OTHER),
  BATCH_NORM_TRAINING("batch-norm-training", OTHER),
  BITCAST("bitcast", DATA_MOVEMENT),
  BITCAST_CONVERT("bitcast-convert", DATA_MOVEMENT),
  BROADCAST("broadcast", DATA_MOVEMENT),
  CALL("call", CONTROL),
  CBRT("cbrt", TRANSCENDENTAL),
  CEIL("ceil", ELEMENTWISE),
  CHOLESKY("cholesky", OTHER),
  CLAMP("clamp", ELEMENTWISE),
  CLZ("count-leading-zeros", ELEMENTWISE),
  COLLECTIVE_BROADCAST("collective-broadcast", COLLECTIVE),
  COLLECTIVE_PERMUTE("collective-permute", COLLECTIVE),
  COLLECTIVE_PERMUTE_DONE("collective-permute-done", COLLECTIVE),
  COLLECTIVE_PERMUTE_START("collective-permute-start", COLLECTIVE),
  COLLECTIVE_REDUCE("collective-reduce", COLLECTIVE),
  COMPARE("compare", ELEMENTWISE),
  COMPLEX("complex", ELEMENTWISE),
  CONCATENATE("concatenate", DATA_MOVEMENT),
  CONDITIONAL("conditional", CONTROL),
  CONSTANT("constant", OTHER),
  CONVERT("convert", ELEMENTWISE),
  CONVOLUTION("convolution", CONTRACTION),
  COPY("copy", DATA_MOVEMENT),
  COPY_DONE("copy-done", DATA_MOVEMENT),
  COPY_START("copy-start", DATA_MOVEMENT),
  COS("cosine", TRANSCENDENTAL),
  COSH("cosh", TRANSCENDENTAL),
  CUSTOM_CALL("custom-call", OTHER),
  DIVIDE("divide", ELEMENTWISE),
  DOMAIN("domain", OTHER),
  DOT("dot", CONTRACTION),
  DYNAMIC_RESHAPE("dynamic-reshape", DATA_MOVEMENT),
  DYNAMIC_SLICE("dynamic-slice", DATA_MOVEMENT),
  DYNAMIC_UPDATE_SLICE("dynamic-update-slice", DATA_MOVEMENT),
  ERF("erf", TRANSCENDENTAL),
  EXP("exponential", TRANSCENDENTAL),
  EXPM1("exponential-minus-one", TRANSCENDENTAL),
  FFT("fft", OTHER),
  FLOOR("floor", ELEMENTWISE),
  FUSION("fusion", CONTROL),
  GATHER("gather", DATA_MOVEMENT),
  GET_DIMENSION_SIZE("get-dimension-size", OTHER),
  GET_TUPLE_ELEMENT("get-tuple-element", OTHER),
  IMAG("imag", ELEMENTWISE),
  INFEED("infeed", OTHER),
  IOTA("iota", DATA_MOVEMENT),
  IS_FINITE("is-finite", ELEMENTWISE),
  LOG("log", TRANSCENDENTAL),
  LOG1P("log-plus-one", TRANSCENDENTAL),
  LOGISTIC("logistic", TRANSCENDENTAL),
  MAP("map", ELEMENTWISE),
  MAXIMUM("maximum", ELEMENTWISE),
  MINIMUM("minimum", ELEMENTWISE),
  MULHI("mulhi", ELEMENTWISE),
  MULTIPLY("multiply", ELEMENTWISE),
  NEGATE("negate", ELEMENTWISE),
  NOT("not", ELEMENTWISE),
  OPTIMIZATION_BARRIER("opt-barrier", OTHER),
  OR("or", ELEMENTWISE),
  OUTFEED("outfeed", OTHER),
  PAD("pad", DATA_MOVEMENT),
  PARAMETER("parameter", OTHER),
  PARTITION_ID("partition-id", OTHER),
  POPULATION_COUNT("popcnt", ELEMENTWISE),
  POWER("power", TRANSCENDENTAL),
  RAGGED_ALL_TO_ALL("ragged-all-to-all", COLLECTIVE),
  RAGGED_DOT("ragged-dot", CONTRACTION),
  REAL("real", ELEMENTWISE),
  RECV("recv", COLLECTIVE),
  RECV_DONE("recv-done", COLLECTIVE),
  REDUCE("reduce", REDUCTION),
  REDUCE_PRECISION("reduce-precision", ELEMENTWISE),
  REDUCE_SCATTER("reduce-scatter", COLLECTIVE),
  REDUCE_WINDOW("reduce-window", REDUCTION),
  REMAINDER("remainder", ELEMENTWISE),
  REPLICA_ID("replica-id", OTHER),
  RESHAPE("reshape", DATA_MOVEMENT),
  REVERSE("reverse", DATA_MOVEMENT),
  RNG("rng", OTHER),
  RNG_BIT_GENERATOR("rng-bit-generator", OTHER),
  RNG_GET_AND_UPDATE_STATE("rng-get-and-update-state", OTHER),
  ROUND_NEAREST_AFZ("round-nearest-afz", ELEMENTWISE),
  ROUND_NEAREST_EVEN("round-nearest-even", ELEMENTWISE),
  RSQRT("rsqrt", TRANSCENDENTAL),
  SCALED_DOT("scaled-dot", CONTRACTION),
  SCAN("scan", OTHER),
  SCATTER("scatter", DATA_MOVEMENT),
  SELECT("select", ELEMENTWISE),
  SELECT_AND_SCATTER("select-and-scatter", REDUCTION),
  SEND("send", COLLECTIVE),
  SEND_DONE("send-done", COLLECTIVE),
  SET_DIMENSION_SIZE("set-dimension-size", OTHER),
  SHIFT_LEFT("shift-left", ELEMENTWISE),
  SHIFT_RIGHT_ARITHMETIC("shift-right-arithmetic", ELEMENTWISE),
  SHIFT_RIGHT_LOGICAL("shift-right-logical", ELEMENTWISE),
  SHUFFLE("shuffle", DATA_MOVEMENT),
  SIGN("sign", ELEMENTWISE),
  SIN("sine", TRANSCENDENTAL),
  SINH("sinh", TRANSCENDENTAL),
  SLICE("slice", DATA_MOVEMENT),
  SORT("sort", OTHER),
  SQRT("sqrt", TRANSCENDENTAL),
  STOCHASTIC_CONVERT("stochastic-convert", ELEMENTWISE),
  SUBTRACT("subtract", ELEMENTWISE),
  TAN("tan", TRANSCENDENTAL),
  TANH("tanh", TRANSCENDENTAL),
  TOP_K("topk", OTHER),
  TRANSPOSE("transpose", DATA_MOVEMENT),
  TRIANGULAR_SOLVE("triangular-solve", OTHER),
  TUPLE("tuple", OTHER),
  WHILE("while", CONTROL),
  XOR("xor", ELEMENTWISE);

  private static final Map<String, Opcode> BY_TEXT = new HashMap<>();

  static {
    for (Opcode op : values()) {
      BY_TEXT.put(op.text, op);
    }
  }

  private final String text;
  private final OpCategory category;

  Opcode(String text, OpCategory category) {
    this.text = text;
    this.category = category;
  }

  /** The HLO text spelling (also the proto's {@code opcode} string). */
  public String text() {
    return text;
  }

  /** The opcode's category. */
  public OpCategory category() {
    return category;
  }

  /** True for ops that compute one output element from the same-index elements of their operands. */
  public boolean isElementwise() {
    return category == ELEMENTWISE || category == TRANSCENDENTAL;
  }

  /** The opcode spelled {@code text} (exact, as XLA prints it), if there is one. */
  public static Optional<Opcode> forText(String text) {
    return Optional.ofNullable(BY_TEXT.get(text));
  }

  @Override
  public String toString() {
    return text;
  }
}
