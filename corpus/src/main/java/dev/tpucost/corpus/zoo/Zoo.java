package dev.tpucost.corpus.zoo;

import dev.tpucost.api.hlo.HloModule;
import java.util.List;
import java.util.Random;

/**
 * The program zoo: program {@code i} of a corpus belongs to family {@code i mod F} (F families, see
 * {@link Families#all()}) and is generated from a
 * {@link Random} seeded by the corpus seed and {@code i}, so the same seed always gives the same programs.
 */
public final class Zoo {
  /** A generated program. */
  public record ProgramSpec(String id, String family, HloModule module) {}

  private Zoo() {}

  /** Program {@code index} of the corpus with {@code seed}. */
  public static ProgramSpec program(long seed, int index) {
    List<Family> families = Families.all();
    Family f = families.get(index % families.size());
    String id = String.format("%s_%05d", f.name(), index);
    Random r = new Random(seed * 0x9E3779B97F4A7C15L + index);
    return new ProgramSpec(id, f.name(), f.generate(id, r));
  }
}
