package dev.tpucost.corpus.dataset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits by program, never by kernel: {@code random} puts each program in train (80%), val (10%) or test
 * (10%) by a seeded hash of its id; {@code family} puts every program of the held-out family in test and
 * the others in train (90%) or val (10%).
 */
public final class Splits {
  /** A program and its family. */
  public record Program(String id, String family) {}

  private final Map<String, String> random = new LinkedHashMap<>();
  private final Map<String, String> family = new LinkedHashMap<>();
  private final String heldOut;

  private Splits(String heldOut) {
    this.heldOut = heldOut;
  }

  /** The splits of {@code programs} for {@code seed}. */
  public static Splits of(List<Program> programs, long seed, String heldOutFamily) {
    Splits s = new Splits(heldOutFamily);
    for (Program p : programs) {
      double u = unit(seed, p.id());
      s.random.put(p.id(), u < 0.8 ? "train" : u < 0.9 ? "val" : "test");
      s.family.put(p.id(), p.family().equals(heldOutFamily) ? "test" : u < 0.9 ? "train" : "val");
    }
    return s;
  }

  /** The part ({@code train}, {@code val}, {@code test}) of program {@code id} in split {@code split}. */
  public String part(String split, String id) {
    return (split.equals("family") ? family : random).get(id);
  }

  private static double unit(long seed, String id) {
    long h = Hashing.sha256().newHasher().putLong(seed).putString(id, StandardCharsets.UTF_8).hash().asLong();
    return (h >>> 11) / (double) (1L << 53);
  }

  ObjectNode toJson(ObjectMapper json, Map<String, Long> kernelsPerProgram) {
    ObjectNode n = json.createObjectNode();
    for (String name : List.of("random", "family")) {
      Map<String, String> parts = name.equals("random") ? random : family;
      ObjectNode split = n.putObject(name);
      if (name.equals("family")) {
        split.put("held_out_family", heldOut);
      }
      for (String part : List.of("train", "val", "test")) {
        List<String> ids = new ArrayList<>();
        long kernels = 0;
        for (Map.Entry<String, String> e : parts.entrySet()) {
          if (e.getValue().equals(part)) {
            ids.add(e.getKey());
            kernels += kernelsPerProgram.getOrDefault(e.getKey(), 0L);
          }
        }
        ObjectNode p = split.putObject(part);
        p.put("programs", ids.size());
        p.put("kernels", kernels);
        p.set("program_ids", json.valueToTree(ids));
      }
    }
    return n;
  }
}
