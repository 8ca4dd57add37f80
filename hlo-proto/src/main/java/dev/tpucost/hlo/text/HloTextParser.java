package dev.tpucost.hlo.text;

import dev.tpucost.api.hlo.ComparisonDirection;
import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.FusionKind;
import dev.tpucost.api.hlo.GatherDimensionNumbers;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.hlo.ScatterDimensionNumbers;
import dev.tpucost.api.shape.ElementType;
import dev.tpucost.api.shape.Shape;
import dev.tpucost.api.shape.ShapeParser;
import dev.tpucost.api.shape.ShapeSyntaxException;
import dev.tpucost.hlo.AttributeValues;
import dev.tpucost.hlo.HloParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses HLO text as printed by XLA ({@code HloModule::ToString}) into the IR.
 *
 * <pre>
 * module      ::= ['HloModule' name (',' attr)*] table* computation+
 * table       ::= ('FileNames' | 'FunctionNames' | 'FileLocations' | 'StackFrames') (int value)*
 * computation ::= ['ENTRY'] ['%'] name ['(' params ')' '-&gt;' shape] '{' instruction* '}' [',' attr]
 * instruction ::= ['ROOT'] ['%'] name '=' shape opcode '(' [operand (',' operand)*] ')' (',' attr)*
 * opcode      ::= known-opcode | known-opcode ('-start' | '-update' | '-done')     (async syntax sugar)
 * operand     ::= [shape] ['%'] name
 * attr        ::= key '=' value      (value: balanced (), {}, [], "strings", or a bare word)
 * </pre>
 *
 * Comments ({@code /*..*}{@code /}, {@code //}) may appear anywhere between tokens. Operands may be used
 * before they are defined (instructions are ordered topologically); computations are resolved by name
 * after the whole module is read. Without {@code ENTRY} the last computation is the entry; without
 * {@code ROOT} the last instruction is the root.
 *
 * <p>XLA's async syntax sugar is read as what it stands for: {@code x = ((f32[10]), f32[20], s32[])
 * custom-call-start(p), custom_call_target="foo"} is an {@code async-start} whose called computation wraps
 * one {@code custom-call} (parameters from the first tuple element, result shape the second), carrying the
 * op's attributes; the async-level ones ({@code async_execution_thread}, {@code async_group_id},
 * {@code backend_config}, {@code metadata}, {@code frontend_attributes}, {@code sharding},
 * {@code control-predecessors}) stay on the {@code async-start}. {@code <op>-update} and {@code <op>-done}
 * are {@code async-update} and {@code async-done}. Any opcode can be wrapped whose sugared name is not an
 * opcode of its own ({@code all-gather-start} is one). Ids are assigned in order of appearance. Attributes
 * without a typed field in the IR are kept as text, never a failure.
 *
 * <p>Errors are {@link HloParseException}s with the source, line, column and what was expected.
 */
public final class HloTextParser {
  private final String text;
  private final String source;
  private int pos;
  private long nextInstructionId = 1;

  private HloTextParser(String text, String source) {
    this.text = text;
    this.source = source;
  }

  /**
   * Parses {@code text}; {@code source} (usually the file name) is named in errors.
   *
   * @throws HloParseException with line and column if the text is not valid HLO
   */
  public static HloModule parse(String text, String source) {
    return new HloTextParser(text, source).module();
  }

  // ------------------------------------------------------------------ raw structure

  private record Ref(String name, int at) {}

  /** The part an instruction written in async syntax sugar plays. */
  private enum AsyncRole { START, UPDATE, DONE }

  /** Attributes of a sugared {@code <op>-start} that belong to the async-start, not to the wrapped op. */
  private static final java.util.Set<String> ASYNC_KEYS = java.util.Set.of("async_execution_thread", "async_group_id",
      "backend_config", "metadata", "frontend_attributes", "sharding", "control-predecessors");

  private static final class RawInstruction {
    final int at;
    final String name;
    final boolean root;
    final Shape shape;
    final Opcode opcode;
    AsyncRole asyncRole;
    final Map<String, String> asyncAttrs = new LinkedHashMap<>();
    final List<Ref> operands = new ArrayList<>();
    final Map<String, Ref> computationRefs = new LinkedHashMap<>();
    final List<Ref> computationLists = new ArrayList<>();
    final Instruction.Builder builder;
    final Map<String, String> dotParts = new HashMap<>();
    final Map<String, String> gatherParts = new HashMap<>();
    final Map<String, String> scatterParts = new HashMap<>();
    long id;

    RawInstruction(int at, String name, boolean root, Shape shape, Opcode opcode, long id, Shape builderShape) {
      this.at = at;
      this.name = name;
      this.root = root;
      this.shape = shape;
      this.opcode = opcode;
      this.id = id;
      this.builder = Instruction.builder(id, name, opcode, builderShape);
    }
  }

  private record RawComputation(int at, String name, long id, boolean entry, List<RawInstruction> instructions) {}

  // ------------------------------------------------------------------ module

  private HloModule module() {
    skipSpace();
    String moduleName = null;
    Map<String, String> moduleAttrs = new LinkedHashMap<>();
    if (lookingAtWord("HloModule")) {
      pos += "HloModule".length();
      skipSpace();
      moduleName = name("a module name");
      while (true) {
        skipSpace();
        if (peek() != ',') {
          break;
        }
        pos++;
        skipSpace();
        String key = key();
        expect('=');
        moduleAttrs.put(key, value());
      }
    }
    List<RawComputation> comps = new ArrayList<>();
    long nextComputationId = 1;
    while (true) {
      skipSpace();
      if (pos >= text.length()) {
        break;
      }
      if (lookingAtWord("FileNames") || lookingAtWord("FunctionNames") || lookingAtWord("FileLocations")
          || lookingAtWord("StackFrames")) {
        skipTable();
        continue;
      }
      comps.add(computation(nextComputationId++));
    }
    if (comps.isEmpty()) {
      throw error(pos, "a computation");
    }
    return resolve(moduleName, moduleAttrs, comps);
  }

  private void skipTable() {
    name("a table name");
    while (true) {
      skipSpace();
      if (!Character.isDigit(peek())) {
        return;
      }
      while (Character.isDigit(peek())) {
        pos++;
      }
      skipSpace();
      value();
    }
  }

  private RawComputation computation(long id) {
    int at = pos;
    boolean entry = false;
    if (lookingAtWord("ENTRY")) {
      entry = true;
      pos += "ENTRY".length();
      skipSpace();
    }
    String name = name("a computation name");
    skipSpace();
    if (peek() == '(') {
      skipBalanced();
      skipSpace();
      if (!text.startsWith("->", pos)) {
        throw error(pos, "'->' after the parameter list of computation '" + name + "'");
      }
      pos += 2;
      shapeAt();
      skipSpace();
    }
    expect('{');
    List<RawInstruction> instrs = new ArrayList<>();
    while (true) {
      skipSpace();
      if (peek() == '}') {
        pos++;
        break;
      }
      if (pos >= text.length()) {
        throw error(pos, "'}' closing computation '" + name + "'");
      }
      instrs.add(instruction());
    }
    skipSpace();
    while (peek() == ',') {
      pos++;
      skipSpace();
      key();
      expect('=');
      value();
      skipSpace();
    }
    if (instrs.isEmpty()) {
      throw error(at, "at least one instruction in computation '" + name + "'");
    }
    return new RawComputation(at, name, id, entry, instrs);
  }

  // ------------------------------------------------------------------ instruction

  private RawInstruction instruction() {
    int at = pos;
    boolean root = false;
    if (lookingAtWord("ROOT")) {
      root = true;
      pos += "ROOT".length();
      skipSpace();
    }
    String name = name("an instruction name");
    expect('=');
    Shape shape = shapeAt();
    skipSpace();
    int opAt = pos;
    while (Character.isLetterOrDigit(peek()) || peek() == '-' || peek() == '_') {
      pos++;
    }
    String opText = text.substring(opAt, pos);
    if (opText.isEmpty()) {
      throw error(opAt, "an opcode");
    }
    Opcode opcode;
    AsyncRole role = null;
    Shape builderShape = shape;
    java.util.Optional<Opcode> direct = Opcode.forText(opText);
    if (direct.isPresent()) {
      opcode = direct.get();
    } else {
      role = opText.endsWith("-start") ? AsyncRole.START : opText.endsWith("-update") ? AsyncRole.UPDATE
          : opText.endsWith("-done") ? AsyncRole.DONE : null;
      Opcode wrapped = role == null ? null
          : Opcode.forText(opText.substring(0, opText.lastIndexOf('-'))).orElse(null);
      if (wrapped == null) {
        throw error(opAt, "a known opcode, not '" + opText + "'");
      }
      opcode = switch (role) {
        case START -> wrapped;
        case UPDATE -> Opcode.ASYNC_UPDATE;
        case DONE -> Opcode.ASYNC_DONE;
      };
      if (role == AsyncRole.START) {
        if (!shape.isTuple() || shape.tupleShapes().size() < 2 || !shape.tupleShape(0).isTuple()) {
          throw error(at, "an async start shape ((operands...), result, context...) for '" + opText + "'");
        }
        builderShape = shape.tupleShape(1);
      }
    }
    RawInstruction r = new RawInstruction(at, name, root, shape, opcode, nextInstructionId++, builderShape);
    r.asyncRole = role;
    skipSpace();
    expect('(');
    if (opcode == Opcode.PARAMETER) {
      skipSpace();
      int numAt = pos;
      long n = number("a parameter number");
      try {
        r.builder.parameterNumber(n);
      } catch (IllegalArgumentException e) {
        throw error(numAt, "a parameter number >= 0");
      }
      expect(')');
    } else if (opcode == Opcode.CONSTANT) {
      int start = pos;
      pos--;
      skipBalanced();
      r.builder.attribute("literal", text.substring(start, pos - 1).trim());
    } else {
      operands(r);
    }
    while (true) {
      int save = pos;
      skipSpace();
      if (peek() != ',') {
        pos = save;
        break;
      }
      pos++;
      skipSpace();
      int keyAt = pos;
      String key = key();
      expect('=');
      skipSpace();
      int valueAt = pos;
      String value = value();
      attribute(r, key, keyAt, value, valueAt);
    }
    finishDimensionNumbers(r);
    return r;
  }

  /** Builds dot, gather and scatter dimension numbers from the attributes collected for {@code r}. */
  private void finishDimensionNumbers(RawInstruction r) {
    try {
      if (!r.dotParts.isEmpty()) {
        r.builder.dotDimensions(new dev.tpucost.api.hlo.DotDimensionNumbers(
            list(r.dotParts, "lhs_contracting_dims"), list(r.dotParts, "rhs_contracting_dims"),
            list(r.dotParts, "lhs_batch_dims"), list(r.dotParts, "rhs_batch_dims")));
      }
      if (!r.gatherParts.isEmpty()) {
        Map<String, String> g = r.gatherParts;
        r.builder.gatherDimensions(new GatherDimensionNumbers(
            list(g, "offset_dims"), list(g, "collapsed_slice_dims"), list(g, "start_index_map"),
            Long.parseLong(g.getOrDefault("index_vector_dim", "0").trim()),
            list(g, "operand_batching_dims"), list(g, "start_indices_batching_dims")));
      }
      if (!r.scatterParts.isEmpty()) {
        Map<String, String> sc = r.scatterParts;
        r.builder.scatterDimensions(new ScatterDimensionNumbers(
            list(sc, "update_window_dims"), list(sc, "inserted_window_dims"), list(sc, "scatter_dims_to_operand_dims"),
            Long.parseLong(sc.getOrDefault("index_vector_dim", "0").trim()),
            list(sc, "input_batching_dims"), list(sc, "scatter_indices_batching_dims")));
      }
    } catch (IllegalArgumentException e) {
      throw error(r.at, "consistent dimension numbers for '" + r.name + "' (" + e.getMessage() + ")");
    }
  }

  private void operands(RawInstruction r) {
    skipSpace();
    if (peek() == ')') {
      pos++;
      return;
    }
    while (true) {
      skipSpace();
      if (peek() == '(' || startsWithShape()) {
        shapeAt();
        skipSpace();
      }
      int at = pos;
      r.operands.add(new Ref(name("an operand name"), at));
      skipSpace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c == ')') {
        pos++;
        return;
      } else {
        throw error(pos, "',' or ')' in the operand list of '" + r.name + "'");
      }
    }
  }

  /** True if an element type followed by '[' starts here (an operand's shape prefix in old dumps). */
  private boolean startsWithShape() {
    int p = pos;
    while (p < text.length() && Character.isLetterOrDigit(text.charAt(p))) {
      p++;
    }
    return p > pos && p < text.length() && text.charAt(p) == '['
        && ElementType.forText(text.substring(pos, p)).isPresent();
  }

  // ------------------------------------------------------------------ attributes

  private void attribute(RawInstruction r, String key, int keyAt, String value, int at) {
    if (r.asyncRole == AsyncRole.START && ASYNC_KEYS.contains(key)) {
      r.asyncAttrs.put(key, value);
      return;
    }
    Instruction.Builder b = r.builder;
    Opcode op = r.opcode;
    try {
      switch (key) {
        case "calls", "to_apply", "body", "condition", "true_computation", "false_computation", "select" ->
            r.computationRefs.put(key, new Ref(refName(value), at));
        case "scatter" -> {
          if (op == Opcode.SELECT_AND_SCATTER) {
            r.computationRefs.put(key, new Ref(refName(value), at));
          } else {
            b.attribute(key, value);
          }
        }
        case "branch_computations", "called_computations" -> {
          for (String n : value.replaceAll("[{}\\s]", "").split(",")) {
            if (!n.isEmpty()) {
              r.computationLists.add(new Ref(refName(n), at));
            }
          }
        }
        case "dimensions", "iota_dimension" -> b.dimensions(AttributeValues.parseList(value));
        case "index" -> {
          if (op == Opcode.GET_TUPLE_ELEMENT) {
            b.tupleIndex(Long.parseLong(value.trim()));
          } else {
            b.attribute(key, value);
          }
        }
        case "kind" -> {
          if (op == Opcode.FUSION) {
            b.fusionKind(FusionKind.forText(value).orElseThrow(() -> error(at, "a fusion kind (kLoop, kInput, kOutput, kCustom)")));
          } else {
            b.attribute(key, value);
          }
        }
        case "window" -> b.window(TextAttributes.parseWindow(value));
        case "dim_labels" -> b.convolutionDimensions(TextAttributes.parseDimLabels(value));
        case "feature_group_count" -> b.featureGroupCount(Long.parseLong(value.trim()));
        case "batch_group_count" -> b.batchGroupCount(Long.parseLong(value.trim()));
        case "lhs_batch_dims", "lhs_contracting_dims", "rhs_batch_dims", "rhs_contracting_dims" -> {
          AttributeValues.parseList(value);
          r.dotParts.put(key, value);
        }
        case "slice" -> b.slice(TextAttributes.parseSlice(value));
        case "dynamic_slice_sizes" -> b.dynamicSliceSizes(AttributeValues.parseList(value));
        case "padding" -> {
          if (op == Opcode.PAD) {
            b.padding(TextAttributes.parsePadding(value));
          } else {
            b.attribute(key, value);
          }
        }
        case "direction" -> {
          if (op == Opcode.COMPARE) {
            b.comparisonDirection(ComparisonDirection.forText(value)
                .orElseThrow(() -> error(at, "a comparison direction (EQ, NE, GE, GT, LE, LT)")));
          } else {
            b.attribute(key, value);
          }
        }
        case "custom_call_target" -> b.customCallTarget(AttributeValues.unquote(value));
        case "backend_config" -> b.backendConfig(value.startsWith("\"") ? AttributeValues.unquote(value) : value);
        case "slice_sizes" -> {
          if (op == Opcode.GATHER) {
            b.gatherSliceSizes(AttributeValues.parseList(value));
          } else {
            b.attribute(key, value);
          }
        }
        default -> {
          if (op == Opcode.GATHER && GATHER_KEYS.contains(key)) {
            AttributeValues.parseList(value);
            r.gatherParts.put(key, value);
          } else if (op == Opcode.SCATTER && SCATTER_KEYS.contains(key)) {
            AttributeValues.parseList(value);
            r.scatterParts.put(key, value);
          } else {
            b.attribute(key, value);
          }
        }
      }
    } catch (HloParseException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw error(at, "a valid value for '" + key + "' (" + e.getMessage() + ")");
    }
  }

  private static final List<String> GATHER_KEYS = List.of("offset_dims", "collapsed_slice_dims", "start_index_map",
      "index_vector_dim", "operand_batching_dims", "start_indices_batching_dims");
  private static final List<String> SCATTER_KEYS = List.of("update_window_dims", "inserted_window_dims",
      "scatter_dims_to_operand_dims", "index_vector_dim", "input_batching_dims", "scatter_indices_batching_dims");

  private static List<Long> list(Map<String, String> parts, String key) {
    return boxed(AttributeValues.parseList(parts.getOrDefault(key, "{}")));
  }

  private static List<Long> boxed(long[] v) {
    List<Long> out = new ArrayList<>(v.length);
    for (long x : v) {
      out.add(x);
    }
    return out;
  }

  private static String refName(String value) {
    String v = value.trim();
    return v.startsWith("%") ? v.substring(1) : v;
  }

  // ------------------------------------------------------------------ resolution

  private HloModule resolve(String moduleName, Map<String, String> attrs, List<RawComputation> comps) {
    Map<String, Long> compIds = new HashMap<>();
    RawComputation entry = null;
    for (RawComputation c : comps) {
      if (compIds.putIfAbsent(c.name(), c.id()) != null) {
        throw error(c.at(), "a unique computation name; '" + c.name() + "' is defined twice");
      }
      if (c.entry()) {
        if (entry != null) {
          throw error(c.at(), "one ENTRY computation; '" + entry.name() + "' is already the entry");
        }
        entry = c;
      }
    }
    if (entry == null) {
      entry = comps.get(comps.size() - 1);
    }
    // Text has no is_fusion_computation flag: a computation a fusion calls is a fusion computation.
    java.util.Set<String> fusionBodies = new java.util.HashSet<>();
    for (RawComputation c : comps) {
      for (RawInstruction r : c.instructions()) {
        if (r.opcode == Opcode.FUSION && r.computationRefs.containsKey("calls")) {
          fusionBodies.add(r.computationRefs.get("calls").name());
        }
      }
    }
    List<Computation> out = new ArrayList<>(comps.size());
    long[] nextComputationId = {comps.stream().mapToLong(RawComputation::id).max().orElse(0) + 1};
    java.util.Set<String> compNames = new java.util.HashSet<>(compIds.keySet());
    for (RawComputation c : comps) {
      out.add(computation(c, compIds, fusionBodies.contains(c.name()), out, nextComputationId, compNames));
    }
    String name = moduleName != null ? moduleName : entry.name();
    try {
      return HloModule.of(name, 0, out, entry.id(), attrs);
    } catch (IllegalArgumentException e) {
      throw error(entry.at(), "a well-formed module (" + e.getMessage() + ")");
    }
  }

  private Computation computation(RawComputation c, Map<String, Long> compIds, boolean fusionBody,
      List<Computation> wrappers, long[] nextComputationId, java.util.Set<String> compNames) {
    Map<String, RawInstruction> byName = new HashMap<>();
    RawInstruction root = null;
    for (RawInstruction r : c.instructions()) {
      if (byName.putIfAbsent(r.name, r) != null) {
        throw error(r.at, "a unique instruction name; '" + r.name + "' is defined twice in '" + c.name() + "'");
      }
      if (r.root) {
        if (root != null) {
          throw error(r.at, "one ROOT in '" + c.name() + "'; '" + root.name + "' is already the root");
        }
        root = r;
      }
    }
    if (root == null) {
      root = c.instructions().get(c.instructions().size() - 1);
    }
    // Resolve operands and called computations.
    Map<RawInstruction, List<RawInstruction>> operandsOf = new HashMap<>();
    for (RawInstruction r : c.instructions()) {
      List<RawInstruction> ops = new ArrayList<>(r.operands.size());
      for (Ref ref : r.operands) {
        RawInstruction op = byName.get(ref.name());
        if (op == null) {
          throw error(ref.at(), "an instruction of '" + c.name() + "'; operand '" + ref.name() + "' is not defined there");
        }
        ops.add(op);
      }
      operandsOf.put(r, ops);
      r.builder.calledComputations(calledIds(r, compIds));
    }
    List<RawInstruction> order = topologicalOrder(c, operandsOf);
    List<Instruction> instrs = new ArrayList<>(order.size());
    for (RawInstruction r : order) {
      List<RawInstruction> ops = operandsOf.get(r);
      long[] ids = new long[ops.size()];
      for (int k = 0; k < ids.length; k++) {
        ids[k] = ops.get(k).id;
      }
      try {
        if (r.asyncRole == AsyncRole.START) {
          instrs.add(desugarStart(r, ids, ops, wrappers, nextComputationId, compNames));
        } else {
          instrs.add(r.builder.operands(ids).build());
        }
      } catch (HloParseException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw error(r.at, "a well-formed instruction (" + e.getMessage() + ")");
      }
    }
    try {
      return fusionBody
          ? Computation.fused(c.id(), c.name(), instrs, root.id)
          : Computation.of(c.id(), c.name(), instrs, root.id);
    } catch (IllegalArgumentException e) {
      throw error(c.at(), "a well-formed computation (" + e.getMessage() + ")");
    }
  }

  /**
   * The {@code async-start} a sugared {@code <op>-start} stands for; its wrapped computation (parameters
   * for the operands, the op as root) is added to {@code wrappers}.
   */
  private Instruction desugarStart(RawInstruction r, long[] ids, List<RawInstruction> ops, List<Computation> wrappers,
      long[] nextComputationId, java.util.Set<String> compNames) {
    Shape operands = r.shape.tupleShape(0);
    List<Instruction> body = new ArrayList<>(ids.length + 1);
    long[] paramIds = new long[ids.length];
    for (int k = 0; k < ids.length; k++) {
      paramIds[k] = k + 1;
      Shape ps = k < operands.tupleShapes().size() ? operands.tupleShape(k) : ops.get(k).shape;
      body.add(Instruction.builder(k + 1, "param_" + k, Opcode.PARAMETER, ps).parameterNumber(k).build());
    }
    Instruction wrapped = r.builder.operands(paramIds).build();
    body.add(wrapped.withIds(ids.length + 1, paramIds, wrapped.calledComputationIds()));
    String name = "wrapped_" + r.opcode.text().replace('-', '_') + "_computation";
    String unique = name;
    for (int n = 1; !compNames.add(unique); n++) {
      unique = name + "." + n;
    }
    long compId = nextComputationId[0]++;
    try {
      wrappers.add(Computation.of(compId, unique, body, ids.length + 1));
    } catch (IllegalArgumentException e) {
      throw error(r.at, "a well-formed async op (" + e.getMessage() + ")");
    }
    Instruction.Builder start = Instruction.builder(r.id, r.name, Opcode.ASYNC_START, r.shape)
        .operands(ids).calledComputations(compId);
    r.asyncAttrs.forEach((k, v) -> {
      if (k.equals("backend_config")) {
        start.backendConfig(v.startsWith("\"") ? AttributeValues.unquote(v) : v);
      } else {
        start.attribute(k, v);
      }
    });
    return start.build();
  }

  private long[] calledIds(RawInstruction r, Map<String, Long> compIds) {
    List<Ref> refs = new ArrayList<>();
    Map<String, Ref> named = r.computationRefs;
    switch (r.opcode) {
      case WHILE -> {
        addIfPresent(refs, named.get("body"));
        addIfPresent(refs, named.get("condition"));
      }
      case CONDITIONAL -> {
        if (!r.computationLists.isEmpty()) {
          refs.addAll(r.computationLists);
        } else {
          addIfPresent(refs, named.get("true_computation"));
          addIfPresent(refs, named.get("false_computation"));
        }
      }
      case SELECT_AND_SCATTER -> {
        addIfPresent(refs, named.get("select"));
        addIfPresent(refs, named.get("scatter"));
      }
      default -> {
        addIfPresent(refs, named.get("calls"));
        addIfPresent(refs, named.get("to_apply"));
        refs.addAll(r.computationLists);
      }
    }
    long[] ids = new long[refs.size()];
    for (int k = 0; k < ids.length; k++) {
      Ref ref = refs.get(k);
      Long id = compIds.get(ref.name());
      if (id == null) {
        throw error(ref.at(), "a computation of the module; '" + ref.name() + "' is not defined");
      }
      ids[k] = id;
    }
    return ids;
  }

  private static void addIfPresent(List<Ref> refs, Ref ref) {
    if (ref != null) {
      refs.add(ref);
    }
  }

  /** Kahn's algorithm, keeping text order among ready instructions; a cycle is an error. */
  private List<RawInstruction> topologicalOrder(RawComputation c, Map<RawInstruction, List<RawInstruction>> operandsOf) {
    List<RawInstruction> instrs = c.instructions();
    Map<RawInstruction, Integer> index = new HashMap<>();
    for (int i = 0; i < instrs.size(); i++) {
      index.put(instrs.get(i), i);
    }
    int[] pending = new int[instrs.size()];
    List<List<Integer>> users = new ArrayList<>(instrs.size());
    for (int i = 0; i < instrs.size(); i++) {
      users.add(new ArrayList<>(2));
    }
    boolean inOrder = true;
    for (int i = 0; i < instrs.size(); i++) {
      for (RawInstruction op : operandsOf.get(instrs.get(i))) {
        int j = index.get(op);
        if (j >= i) {
          inOrder = false;
        }
        pending[i]++;
        users.get(j).add(i);
      }
    }
    if (inOrder) {
      return instrs;
    }
    java.util.PriorityQueue<Integer> ready = new java.util.PriorityQueue<>();
    for (int i = 0; i < pending.length; i++) {
      if (pending[i] == 0) {
        ready.add(i);
      }
    }
    List<RawInstruction> out = new ArrayList<>(instrs.size());
    while (!ready.isEmpty()) {
      int i = ready.poll();
      out.add(instrs.get(i));
      for (int u : users.get(i)) {
        if (--pending[u] == 0) {
          ready.add(u);
        }
      }
    }
    if (out.size() < instrs.size()) {
      for (int i = 0; i < pending.length; i++) {
        if (pending[i] > 0) {
          throw error(instrs.get(i).at, "an acyclic computation; '" + instrs.get(i).name + "' in '" + c.name()
              + "' depends on itself through its operands");
        }
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ lexing

  private Shape shapeAt() {
    skipSpace();
    ShapeParser p = new ShapeParser(text, pos);
    try {
      Shape s = p.shape();
      pos = p.position();
      return s;
    } catch (ShapeSyntaxException e) {
      throw error(e.position(), e.expected());
    } catch (IllegalArgumentException e) {
      throw error(pos, "a valid shape (" + e.getMessage() + ")");
    }
  }

  private String name(String what) {
    skipSpace();
    if (peek() == '%') {
      pos++;
    }
    int start = pos;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-' || c == '$') {
        pos++;
      } else {
        break;
      }
    }
    if (start == pos) {
      throw error(pos, what);
    }
    return text.substring(start, pos);
  }

  private String key() {
    int start = pos;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.') {
        pos++;
      } else {
        break;
      }
    }
    if (start == pos) {
      throw error(pos, "an attribute name");
    }
    return text.substring(start, pos);
  }

  /**
   * A value: a maximal run of balanced groups, quoted strings and other characters, ending at white
   * space, ',' or an unmatched closing bracket outside any group.
   */
  private String value() {
    skipSpace();
    int start = pos;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '"') {
        skipString();
      } else if (c == '{' || c == '(' || c == '[') {
        skipBalanced();
      } else if (c == ',' || c == '}' || c == ')' || c == ']' || Character.isWhitespace(c)) {
        break;
      } else {
        pos++;
      }
    }
    if (start == pos) {
      throw error(pos, "an attribute value");
    }
    return text.substring(start, pos);
  }

  /** Skips a group opened at {@code pos} (one of {@code ({[}) through its matching closer. */
  private void skipBalanced() {
    int start = pos;
    ArrayDeque<Character> stack = new ArrayDeque<>();
    while (pos < text.length()) {
      char c = text.charAt(pos);
      switch (c) {
        case '"' -> {
          skipString();
          continue;
        }
        case '{' -> stack.push('}');
        case '(' -> stack.push(')');
        case '[' -> stack.push(']');
        case '}', ')', ']' -> {
          if (stack.isEmpty() || stack.pop() != c) {
            throw error(pos, "a matching bracket for the group opened at " + lineColumn(start));
          }
          if (stack.isEmpty()) {
            pos++;
            return;
          }
        }
        default -> {}
      }
      pos++;
    }
    throw error(start, "a closing bracket for this group before the end of the text");
  }

  private void skipString() {
    int start = pos;
    pos++;
    // The next '"' closes the string unless an odd run of backslashes escapes it (a backslash escapes the
    // character after it, so a run pairs up from its start): String.indexOf runs as a vector loop, where one
    // character at a time the long metadata strings were ~10% of loading a module.
    for (int quote = text.indexOf('"', pos); quote >= 0; quote = text.indexOf('"', pos)) {
      int run = 0;
      while (quote - run - 1 >= pos && text.charAt(quote - run - 1) == '\\') {
        run++;
      }
      pos = quote + 1;
      if (run % 2 == 0) {
        return;
      }
    }
    pos = text.length();
    throw error(start, "a closing '\"' for this string");
  }

  private long number(String what) {
    int start = pos;
    long v = 0;
    while (Character.isDigit(peek())) {
      int d = peek() - '0';
      if (v > (Long.MAX_VALUE - d) / 10) {
        throw error(start, what + " that fits in 64 bits");
      }
      v = v * 10 + d;
      pos++;
    }
    if (start == pos) {
      throw error(pos, what);
    }
    return v;
  }

  private void skipSpace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
        pos++;
      } else if (c == '/' && pos + 1 < text.length() && text.charAt(pos + 1) == '*') {
        int end = text.indexOf("*/", pos + 2);
        if (end < 0) {
          throw error(pos, "'*/' closing this comment");
        }
        pos = end + 2;
      } else if (c == '/' && pos + 1 < text.length() && text.charAt(pos + 1) == '/') {
        int end = text.indexOf('\n', pos);
        pos = end < 0 ? text.length() : end + 1;
      } else {
        return;
      }
    }
  }

  private boolean lookingAtWord(String word) {
    if (!text.startsWith(word, pos)) {
      return false;
    }
    int end = pos + word.length();
    return end >= text.length() || !(Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_'
        || text.charAt(end) == '.' || text.charAt(end) == '-');
  }

  private void expect(char c) {
    skipSpace();
    if (peek() != c) {
      throw error(pos, "'" + c + "'");
    }
    pos++;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : 0;
  }

  private HloParseException error(int at, String expected) {
    int[] lc = lineAndColumn(at);
    String found;
    if (at >= text.length()) {
      found = "end of text";
    } else {
      int end = at;
      while (end < text.length() && end - at < 20 && text.charAt(end) != '\n') {
        end++;
      }
      found = "'" + text.substring(at, end) + (end < text.length() && text.charAt(end) != '\n' ? "...'" : "'");
    }
    return new HloParseException(source, lc[0], lc[1], "expected " + expected + ", found " + found);
  }

  private String lineColumn(int at) {
    int[] lc = lineAndColumn(at);
    return lc[0] + ":" + lc[1];
  }

  private int[] lineAndColumn(int at) {
    int line = 1;
    int lineStart = 0;
    int end = Math.min(at, text.length());
    for (int i = 0; i < end; i++) {
      if (text.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new int[] {line, end - lineStart + 1};
  }
}
