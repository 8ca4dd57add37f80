package dev.tpucost.api.hlo;

/** The coarse kind of work an opcode does; cost rules and features group opcodes by it. */
public enum OpCategory {
  /** One arithmetic or logical operation per output element (add, multiply, compare, select, convert, ...). */
  ELEMENTWISE,
  /** Elementwise ops that run on the transcendental unit (exp, log, tanh, rsqrt, sine, power, ...). */
  TRANSCENDENTAL,
  /** Combines many input elements into fewer outputs (reduce, reduce-window, select-and-scatter). */
  REDUCTION,
  /** Moves or rearranges data without arithmetic (broadcast, transpose, slice, pad, gather, copy, ...). */
  DATA_MOVEMENT,
  /** Matrix-unit work (dot, convolution and their variants). */
  CONTRACTION,
  /** Calls other computations (fusion, call, while, conditional, async wrappers). */
  CONTROL,
  /** Communication between devices (all-reduce, all-gather, collective-permute, send/recv, ...). */
  COLLECTIVE,
  /** Everything else: parameters, constants, tuples, sort, custom-call, rng, fft, linear algebra, I/O. */
  OTHER
}
