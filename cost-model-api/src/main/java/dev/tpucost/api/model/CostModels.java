package dev.tpucost.api.model;

import com.google.common.collect.ImmutableSortedMap;
import dev.tpucost.api.chip.ChipSpec;
import java.util.Map;
import java.util.ServiceLoader;

/** The registry of cost models, found through {@link ServiceLoader} on the class path. */
public final class CostModels {
  private CostModels() {}

  /**
   * A model named {@code name} bound to {@code chip}.
   *
   * @throws UnknownCostModelException listing the registered models if none has that name
   */
  public static CostModel create(String name, ChipSpec chip) {
    CostModelProvider p = providers().get(name);
    if (p == null) {
      throw new UnknownCostModelException(
          "no cost model named '" + name + "'; available: " + String.join(", ", providers().keySet()));
    }
    return p.create(chip);
  }

  /** Registered providers by name, sorted. */
  public static Map<String, CostModelProvider> providers() {
    ImmutableSortedMap.Builder<String, CostModelProvider> b = ImmutableSortedMap.naturalOrder();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (CostModelProvider p : ServiceLoader.load(CostModelProvider.class, CostModels.class.getClassLoader())) {
      if (seen.add(p.name())) {
        b.put(p.name(), p);
      }
    }
    return b.build();
  }
}
