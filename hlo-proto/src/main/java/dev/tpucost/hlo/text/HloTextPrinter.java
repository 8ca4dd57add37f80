package dev.tpucost.hlo.text;

import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.GatherDimensionNumbers;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.hlo.ScatterDimensionNumbers;
import dev.tpucost.hlo.AttributeValues;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints the IR as HLO text that {@link HloTextParser} reads back to the same module: typed attributes
 * in their text forms, then the text attributes in their original order. Computations print in module
 * order, the entry marked {@code ENTRY}. An {@code async-start} whose computation only wraps one op prints in
 * XLA's syntax sugar ({@code custom-call-start(..)} with the op's attributes, then {@code custom-call-update}
 * and {@code custom-call-done}), and the wrapped computation is not printed, as XLA does.
 */
public final class HloTextPrinter {
  private HloTextPrinter() {}

  /** The module as HLO text. */
  public static String print(HloModule module) {
    StringBuilder sb = new StringBuilder(module.instructionCount() * 96 + 64);
    sb.append("HloModule ").append(module.name());
    module.attributes().forEach((k, v) -> sb.append(", ").append(k).append('=').append(v));
    sb.append("\n\n");
    Map<Long, String> compNames = new HashMap<>();
    for (Computation c : module.computations()) {
      compNames.put(c.id(), c.name());
    }
    // Sugared async-starts (by instruction id) and the op each wraps; their computations are not printed.
    Map<Long, Instruction> wrappedOf = new HashMap<>();
    java.util.Set<Long> hidden = new java.util.HashSet<>();
    for (Computation c : module.computations()) {
      for (Instruction i : c.instructions()) {
        Instruction w = trivialWrap(module, i);
        if (w != null) {
          wrappedOf.put(i.id(), w);
          hidden.add(i.calledComputationId(0));
        }
      }
    }
    for (Computation c : module.computations()) {
      if (hidden.contains(c.id())) {
        continue;
      }
      if (c.id() == module.entryId()) {
        sb.append("ENTRY ");
      }
      sb.append(c.name()).append(" {\n");
      Map<Long, String> names = new HashMap<>();
      for (Instruction i : c.instructions()) {
        names.put(i.id(), i.name());
      }
      for (Instruction i : c.instructions()) {
        sb.append("  ");
        if (i.id() == c.rootId()) {
          sb.append("ROOT ");
        }
        instruction(sb, i, names, compNames, sugar(c, i, wrappedOf));
        sb.append('\n');
      }
      sb.append("}\n\n");
    }
    return sb.toString();
  }

  /** The op {@code i} wraps if it is an async-start XLA prints in syntax sugar, else null. */
  private static Instruction trivialWrap(HloModule module, Instruction i) {
    if (i.opcode() != Opcode.ASYNC_START || i.calledComputationCount() != 1) {
      return null;
    }
    Computation callee = module.computationById(i.calledComputationId(0));
    Instruction root = callee.root();
    if (callee.size() != root.operandCount() + 1 || root.operandCount() != i.operandCount()
        || root.opcode() == Opcode.PARAMETER || Opcode.forText(root.opcode().text() + "-start").isPresent()) {
      return null;
    }
    for (int k = 0; k < root.operandCount(); k++) {
      Instruction op = callee.instruction(root.operandId(k)).orElse(null);
      if (op == null || op.opcode() != Opcode.PARAMETER || op.parameterNumber() != k) {
        return null;
      }
    }
    return root;
  }

  /**
   * How {@code i} prints in syntax sugar: {wrapped op, suffix} for a sugared start and for the updates and
   * done that follow it; null otherwise.
   */
  private static Object[] sugar(Computation c, Instruction i, Map<Long, Instruction> wrappedOf) {
    if (i.opcode() == Opcode.ASYNC_START) {
      Instruction w = wrappedOf.get(i.id());
      return w == null ? null : new Object[] {w, "-start"};
    }
    if (i.opcode() != Opcode.ASYNC_UPDATE && i.opcode() != Opcode.ASYNC_DONE) {
      return null;
    }
    Instruction at = i;
    for (int guard = 0; guard < c.size() && at.operandCount() > 0; guard++) {
      at = c.instruction(at.operandId(0)).orElse(null);
      if (at == null || at.opcode() != Opcode.ASYNC_UPDATE) {
        break;
      }
    }
    if (at == null || at.opcode() != Opcode.ASYNC_START || !wrappedOf.containsKey(at.id())) {
      return null;
    }
    return new Object[] {wrappedOf.get(at.id()), i.opcode() == Opcode.ASYNC_UPDATE ? "-update" : "-done"};
  }

  private static void instruction(StringBuilder sb, Instruction i, Map<Long, String> names, Map<Long, String> comps,
      Object[] sugar) {
    sb.append(i.name()).append(" = ");
    i.shape().appendText(sb);
    String opText = sugar == null ? i.opcode().text() : ((Instruction) sugar[0]).opcode().text() + sugar[1];
    sb.append(' ').append(opText).append('(');
    if (i.opcode() == Opcode.PARAMETER) {
      sb.append(i.parameterNumber());
    } else if (i.opcode() == Opcode.CONSTANT) {
      sb.append(i.attributes().getOrDefault("literal", "{...}"));
    } else {
      for (int k = 0; k < i.operandCount(); k++) {
        if (k > 0) {
          sb.append(", ");
        }
        sb.append(names.get(i.operandId(k)));
      }
    }
    sb.append(')');
    if (sugar != null && "-start".equals(sugar[1])) {
      attributes(sb, (Instruction) sugar[0], comps);
      i.attributes().forEach((k, v) -> attr(sb, k, v));
      i.backendConfig().ifPresent(c -> attr(sb, "backend_config", AttributeValues.quote(c)));
    } else {
      attributes(sb, i, comps);
    }
  }

  /** Every attribute of {@code i} in text form: typed ones first, then the text ones in order. */
  private static void attributes(StringBuilder sb, Instruction i, Map<Long, String> comps) {
    if (i.dimensionCount() > 0) {
      attr(sb, i.opcode() == Opcode.IOTA ? "iota_dimension" : "dimensions",
          i.opcode() == Opcode.IOTA && i.dimensionCount() == 1 ? Long.toString(i.dimension(0)) : AttributeValues.list(i.dimensions()));
    }
    if (i.opcode() == Opcode.GET_TUPLE_ELEMENT) {
      attr(sb, "index", Long.toString(i.tupleIndex()));
    }
    i.fusionKind().ifPresent(k -> attr(sb, "kind", k.text()));
    calledComputations(sb, i, comps);
    i.window().ifPresent(w -> attr(sb, "window", TextAttributes.printWindow(w)));
    i.convolutionDimensions().ifPresent(d -> {
      String labels = TextAttributes.printDimLabels(d);
      if (labels != null) {
        attr(sb, "dim_labels", labels);
      }
    });
    if (i.featureGroupCount() != 1) {
      attr(sb, "feature_group_count", Long.toString(i.featureGroupCount()));
    }
    if (i.batchGroupCount() != 1) {
      attr(sb, "batch_group_count", Long.toString(i.batchGroupCount()));
    }
    i.dotDimensions().ifPresent(d -> dot(sb, d));
    i.gatherDimensions().ifPresent(d -> gather(sb, d));
    if (i.gatherSliceSizes().length > 0) {
      attr(sb, "slice_sizes", AttributeValues.list(i.gatherSliceSizes()));
    }
    i.scatterDimensions().ifPresent(d -> scatter(sb, d));
    if (!i.slice().isEmpty()) {
      attr(sb, "slice", TextAttributes.printSlice(i.slice()));
    }
    if (i.dynamicSliceSizes().length > 0) {
      attr(sb, "dynamic_slice_sizes", AttributeValues.list(i.dynamicSliceSizes()));
    }
    if (!i.padding().isEmpty()) {
      attr(sb, "padding", TextAttributes.printPadding(i.padding()));
    }
    i.comparisonDirection().ifPresent(d -> attr(sb, "direction", d.name()));
    i.customCallTarget().ifPresent(t -> attr(sb, "custom_call_target", AttributeValues.quote(t)));
    i.attributes().forEach((k, v) -> {
      if (!(i.opcode() == Opcode.CONSTANT && k.equals("literal"))) {
        attr(sb, k, v);
      }
    });
    i.backendConfig().ifPresent(c -> attr(sb, "backend_config", AttributeValues.quote(c)));
  }

  private static void calledComputations(StringBuilder sb, Instruction i, Map<Long, String> comps) {
    int n = i.calledComputationCount();
    if (n == 0) {
      return;
    }
    switch (i.opcode()) {
      case WHILE -> {
        attr(sb, "condition", comps.get(i.calledComputationId(n > 1 ? 1 : 0)));
        attr(sb, "body", comps.get(i.calledComputationId(0)));
      }
      case CONDITIONAL -> attr(sb, "branch_computations", names(i, comps, 0));
      case SELECT_AND_SCATTER -> {
        attr(sb, "select", comps.get(i.calledComputationId(0)));
        if (n > 1) {
          attr(sb, "scatter", comps.get(i.calledComputationId(1)));
        }
      }
      case FUSION, ASYNC_START, ASYNC_UPDATE, ASYNC_DONE -> {
        attr(sb, "calls", comps.get(i.calledComputationId(0)));
        if (n > 1) {
          attr(sb, "called_computations", names(i, comps, 1));
        }
      }
      case CUSTOM_CALL -> attr(sb, "called_computations", names(i, comps, 0));
      default -> {
        attr(sb, "to_apply", comps.get(i.calledComputationId(0)));
        if (n > 1) {
          attr(sb, "called_computations", names(i, comps, 1));
        }
      }
    }
  }

  private static String names(Instruction i, Map<Long, String> comps, int from) {
    StringBuilder sb = new StringBuilder("{");
    for (int k = from; k < i.calledComputationCount(); k++) {
      if (k > from) {
        sb.append(", ");
      }
      sb.append(comps.get(i.calledComputationId(k)));
    }
    return sb.append('}').toString();
  }

  private static void dot(StringBuilder sb, DotDimensionNumbers d) {
    listAttr(sb, "lhs_batch_dims", d.lhsBatch());
    listAttr(sb, "lhs_contracting_dims", d.lhsContracting());
    listAttr(sb, "rhs_batch_dims", d.rhsBatch());
    listAttr(sb, "rhs_contracting_dims", d.rhsContracting());
  }

  private static void gather(StringBuilder sb, GatherDimensionNumbers d) {
    listAttr(sb, "offset_dims", d.offsetDims());
    listAttr(sb, "collapsed_slice_dims", d.collapsedSliceDims());
    listAttr(sb, "start_index_map", d.startIndexMap());
    attr(sb, "index_vector_dim", Long.toString(d.indexVectorDim()));
    listAttr(sb, "operand_batching_dims", d.operandBatchingDims());
    listAttr(sb, "start_indices_batching_dims", d.startIndicesBatchingDims());
  }

  private static void scatter(StringBuilder sb, ScatterDimensionNumbers d) {
    listAttr(sb, "update_window_dims", d.updateWindowDims());
    listAttr(sb, "inserted_window_dims", d.insertedWindowDims());
    listAttr(sb, "scatter_dims_to_operand_dims", d.scatterDimsToOperandDims());
    attr(sb, "index_vector_dim", Long.toString(d.indexVectorDim()));
    listAttr(sb, "input_batching_dims", d.inputBatchingDims());
    listAttr(sb, "scatter_indices_batching_dims", d.scatterIndicesBatchingDims());
  }

  private static void listAttr(StringBuilder sb, String key, List<Long> values) {
    if (!values.isEmpty()) {
      attr(sb, key, AttributeValues.list(values.stream().mapToLong(Long::longValue).toArray()));
    }
  }

  private static void attr(StringBuilder sb, String key, String value) {
    sb.append(", ").append(key).append('=').append(value);
  }
}
