package dev.tpucost.corpus.zoo;

import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.ComputationBuilder;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.shape.ElementType;
import dev.tpucost.api.shape.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A program under construction: its computations (entry, loop bodies, reducers), with instruction ids
 * unique across the module. Not thread-safe; one per generated program.
 */
public final class Program {
  private final String name;
  private final AtomicLong ids = new AtomicLong(1);
  private final List<Computation> computations = new ArrayList<>();
  private final Map<String, Long> reducers = new HashMap<>();
  private long nextComputationId = 1;

  /** A program that will become module {@code name}. */
  public Program(String name) {
    this.name = name;
  }

  /** A new computation graph called {@code computationName}. */
  public Graph graph(String computationName) {
    return new Graph(this, ComputationBuilder.create(computationName, nextComputationId++, ids));
  }

  /** Adds a finished graph's computation to the program; returns its id. */
  public long add(Graph g) {
    Computation c = g.build();
    computations.add(c);
    return c.id();
  }

  /** The id of a scalar reducer computation ("add" or "max") over {@code type}, built once. */
  long reducer(String kind, ElementType type) {
    String key = kind + "." + type.text();
    Long id = reducers.get(key);
    if (id != null) {
      return id;
    }
    ComputationBuilder b = ComputationBuilder.create(key, nextComputationId++, ids);
    Instruction x = b.parameter(Shape.scalar(type));
    Instruction y = b.parameter(Shape.scalar(type));
    b.op(kind.equals("max") ? Opcode.MAXIMUM : Opcode.ADD, Shape.scalar(type), x, y);
    Computation c = b.build();
    computations.add(0, c);
    reducers.put(key, c.id());
    return c.id();
  }

  /** The module, with {@code entry} as its entry computation, ids in text order ({@link HloModule#renumbered}). */
  public HloModule module(Graph entry) {
    long id = add(entry);
    return HloModule.of(name, 0, computations, id).renumbered();
  }
}
