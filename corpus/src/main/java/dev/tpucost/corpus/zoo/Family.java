package dev.tpucost.corpus.zoo;

import dev.tpucost.api.hlo.HloModule;
import java.util.Random;

/** A family of generated programs: a name and a seeded generator of pre-fusion modules. */
public interface Family {
  /** The family name, e.g. {@code transformer}. */
  String name();

  /** A program of this family named {@code programName}, with hyper-parameters drawn from {@code random}. */
  HloModule generate(String programName, Random random);
}
