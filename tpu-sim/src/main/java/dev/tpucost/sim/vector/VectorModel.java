package dev.tpucost.sim.vector;

import static dev.tpucost.sim.SimConstants.EUP_INVERSE_TRIG;
import static dev.tpucost.sim.SimConstants.EUP_POWER;
import static dev.tpucost.sim.SimConstants.EUP_TRANSCENDENTAL;
import static dev.tpucost.sim.SimConstants.EUP_TRIGONOMETRIC;
import static dev.tpucost.sim.SimConstants.LOAD_STORE_PER_VREG;
import static dev.tpucost.sim.SimConstants.VPU_BROADCAST;
import static dev.tpucost.sim.SimConstants.VPU_COPY;
import static dev.tpucost.sim.SimConstants.VPU_DIVIDE;
import static dev.tpucost.sim.SimConstants.VPU_FALLBACK;
import static dev.tpucost.sim.SimConstants.VPU_PER_INDEX;
import static dev.tpucost.sim.SimConstants.VPU_REMAINDER;
import static dev.tpucost.sim.SimConstants.VPU_SIMPLE;
import static dev.tpucost.sim.SimConstants.XLU_LANE_REDUCE;
import static dev.tpucost.sim.SimConstants.XLU_SUBLANE_REDUCE;
import static dev.tpucost.sim.SimConstants.XLU_TRANSPOSE;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.hlo.FusionKind;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.shape.Shape;
import dev.tpucost.api.tile.NativeTiling;
import dev.tpucost.api.tile.TileFootprint;

/**
 * VPU, transcendental-unit and XLU cycles of one grid step. Elementwise math runs on 32-bit (8,128) vregs
 * (narrower types are unpacked), so a block costs its vreg count times a per-op cost; the VPU's ALUs per
 * lane divide VPU work. Every parameter block is loaded from VMEM and every output block stored. In a
 * reduction ({@code kInput}) fusion, an elementwise producer with several users is recomputed per user,
 * as XLA's emitter does.
 */
public final class VectorModel {
  /** Per-step busy cycles of the three units. */
  public record Cycles(double vpu, double eup, double xlu) {}

  private VectorModel() {}

  /** Busy cycles of one grid step of {@code k}. */
  public static Cycles stepCycles(Kernel k, TileFootprint fp, ChipSpec chip) {
    double vpu = 0;
    double eup = 0;
    double xlu = 0;
    boolean inputFusion = k.fusionKind().filter(f -> f == FusionKind.INPUT).isPresent();
    for (int i = 0; i < k.nodeCount(); i++) {
      Instruction n = k.node(i);
      Shape shape = firstLeaf(n.shape());
      double vregs = vregs(shape, fp, i);
      switch (n.opcode()) {
        case PARAMETER -> vpu += LOAD_STORE_PER_VREG * vregs;
        case CONSTANT, TUPLE, GET_TUPLE_ELEMENT, BITCAST, DOT, CONVOLUTION, AFTER_ALL, ADD_DEPENDENCY,
            OPTIMIZATION_BARRIER, PARTITION_ID, REPLICA_ID -> {}
        default -> {
          double times = inputFusion && n.opcode().isElementwise() && k.userCount(i) > 1 ? k.userCount(i) : 1;
          double[] c = opCycles(k, i, n, shape, vregs, fp);
          vpu += c[0] * times;
          eup += c[1] * times;
          xlu += c[2] * times;
        }
      }
    }
    vpu += LOAD_STORE_PER_VREG * vregs(firstLeaf(k.outputShape()), fp, k.rootIndex());
    return new Cycles(vpu / chip.vpuAlus(), eup, xlu);
  }

  /** {VPU, EUP, XLU} cycles of one node's block. */
  private static double[] opCycles(Kernel k, int i, Instruction n, Shape shape, double vregs, TileFootprint fp) {
    Opcode op = n.opcode();
    switch (op.category()) {
      case ELEMENTWISE:
        return new double[] {vregs * switch (op) {
          case DIVIDE -> VPU_DIVIDE;
          case REMAINDER -> VPU_REMAINDER;
          case CLAMP, SELECT -> 2 * VPU_SIMPLE;
          case MAP -> VPU_SIMPLE * Math.max(1, k.nodeFlops(i) / Math.max(1, shape.elementCount()));
          default -> VPU_SIMPLE;
        }, 0, 0};
      case TRANSCENDENTAL:
        return new double[] {vregs * VPU_SIMPLE, vregs * switch (op) {
          case SIN, COS, TAN -> EUP_TRIGONOMETRIC;
          case POWER -> EUP_POWER;
          case ACOS, ACOSH, ASIN, ASINH, ATAN, ATAN2, ATANH -> EUP_INVERSE_TRIG;
          default -> EUP_TRANSCENDENTAL;
        }, 0};
      case COLLECTIVE:
        // One device's side of a collective: its bytes move through VMEM; a reducing one adds as it goes.
        return new double[] {vregs * (VPU_COPY + (k.nodeFlops(i) > 0 ? VPU_SIMPLE : 0)), 0, 0};
      default:
        break;
    }
    return switch (op) {
      case BROADCAST -> new double[] {vregs * VPU_BROADCAST, 0, 0};
      case RESHAPE, DYNAMIC_RESHAPE -> relayout(k, i, vregs) ? new double[] {0, 0, vregs * XLU_TRANSPOSE} : new double[] {0, 0, 0};
      case TRANSPOSE -> relayout(k, i, vregs) ? new double[] {0, 0, vregs * XLU_TRANSPOSE} : new double[] {vregs * VPU_COPY, 0, 0};
      case COPY, SLICE, PAD, CONCATENATE, REVERSE, IOTA, DYNAMIC_SLICE, DYNAMIC_UPDATE_SLICE, BITCAST_CONVERT,
          COPY_START, COPY_DONE -> new double[] {vregs * VPU_COPY, 0, 0};
      case REDUCE -> reduce(k, i, n, fp);
      case REDUCE_WINDOW -> {
        long window = n.window().map(w -> w.elementCount()).orElse(1L);
        yield new double[] {vregs * window * VPU_SIMPLE, 0, 0};
      }
      case GATHER, SCATTER -> {
        double indices = n.opcode() == Opcode.GATHER ? k.node(k.operand(i, 1)).shape().elementCount()
            : k.node(k.operand(i, (k.operandCount(i) - 1) / 2)).shape().elementCount();
        double perStep = Math.min(indices, shape.elementCount()) / Math.max(1.0, fp.outputTiles());
        yield new double[] {vregs * VPU_COPY + perStep * VPU_PER_INDEX, 0, 0};
      }
      case SORT -> {
        double n2 = Math.max(2, shape.rank() == 0 ? 1 : shape.dim(shape.rank() - 1));
        double log = Math.ceil(Math.log(n2) / Math.log(2));
        yield new double[] {vregs * log * (log + 1) / 2 * VPU_SIMPLE, 0, vregs * log * XLU_TRANSPOSE / 2};
      }
      default -> new double[] {vregs * VPU_FALLBACK, 0, 0};
    };
  }

  private static double[] reduce(Kernel k, int i, Instruction n, TileFootprint fp) {
    int in = k.operand(i, 0);
    Shape inShape = firstLeaf(k.node(in).shape());
    double inVregs = vregs(inShape, fp, in);
    double reducer = Math.max(1, k.nodeFlops(i) / Math.max(1.0, inShape.elementCount()));
    double xlu = 0;
    int rank = inShape.rank();
    if (rank > 0) {
      int[] order = NativeTiling.physicalOrder(inShape);
      for (int j = 0; j < n.dimensionCount(); j++) {
        long d = n.dimension(j);
        if (d == order[rank - 1]) {
          xlu += inVregs * XLU_LANE_REDUCE;
        } else if (rank >= 2 && d == order[rank - 2]) {
          xlu += inVregs * XLU_SUBLANE_REDUCE;
        }
      }
    }
    return new double[] {inVregs * reducer * VPU_SIMPLE, 0, xlu};
  }

  /** True if a reshape/transpose moves data across the minor two dimensions (needs the XLU). */
  private static boolean relayout(Kernel k, int i, double vregs) {
    if (k.operandCount(i) == 0 || vregs == 0) {
      return false;
    }
    Shape in = firstLeaf(k.node(k.operand(i, 0)).shape());
    Shape out = firstLeaf(k.node(i).shape());
    int[] a = NativeTiling.physicalOrder(in);
    int[] b = NativeTiling.physicalOrder(out);
    if (a.length < 1 || b.length < 1) {
      return false;
    }
    long inMinor = in.dim(a[a.length - 1]);
    long outMinor = out.dim(b[b.length - 1]);
    if (k.node(i).opcode() == Opcode.TRANSPOSE) {
      long perm = k.node(i).dimensionCount() == b.length ? k.node(i).dimension(b[b.length - 1]) : -1;
      return perm != a[a.length - 1];
    }
    return inMinor != outMinor;
  }

  /** 32-bit (8,128) vregs of node {@code i}'s block; scalars count 0 (they live in scalar registers). */
  static double vregs(Shape shape, TileFootprint fp, int i) {
    int rank = fp.nodeRank(i);
    if (!shape.isArray() || rank == 0 || rank != shape.rank()) {
      return 0;
    }
    int[] order = NativeTiling.physicalOrder(shape);
    double v = 1;
    for (int p = 0; p < rank; p++) {
      long e = Math.max(1, fp.nodeExtent(i, order[p]));
      if (p == rank - 1) {
        v *= Math.ceil(e / (double) NativeTiling.LANES);
      } else if (p == rank - 2) {
        v *= Math.ceil(e / (double) NativeTiling.SUBLANES);
      } else {
        v *= e;
      }
    }
    if (rank == 1) {
      v = Math.ceil(v / NativeTiling.SUBLANES);
    }
    return v;
  }

  private static Shape firstLeaf(Shape s) {
    while (s.isTuple() && !s.tupleShapes().isEmpty()) {
      s = s.tupleShape(0);
    }
    return s;
  }
}
