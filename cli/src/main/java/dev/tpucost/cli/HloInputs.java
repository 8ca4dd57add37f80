package dev.tpucost.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The HLO files named on a command line, folders expanded. A folder is read as an XLA dump
 * ({@code --xla_dump_to}): its HLO files ({@code .txt}, {@code .hlo}, {@code .pb}; not the buffer
 * assignments, memory reports or other side files XLA writes next to them), one per module: files named
 * {@code module_NNNN.NAME.*} belong to module {@code module_NNNN.NAME}, and of a module's dumps the
 * {@code after_optimizations} one is taken, else the last numbered pass, else {@code before_optimizations}.
 * Other files in a folder are modules of their own. Files named directly are always taken.
 */
final class HloInputs {
  private static final Pattern MODULE = Pattern.compile("^(module_\\d+\\.[^.]+)\\.(.*)$");
  private static final Pattern PASS = Pattern.compile("^(\\d+)\\.");
  private static final List<String> SIDE_FILES = List.of("buffer-assignment", "memory-usage-report", "execution_options",
      "ir-no-opt", "ir-with-opt", "thunk_sequence", "autotune_results", "cost-analysis");

  private HloInputs() {}

  /** The files to load, in a stable order: named files as given, each folder's modules by name. */
  static List<Path> expand(List<Path> paths) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        List<Path> chosen = fromDump(p);
        if (chosen.isEmpty()) {
          throw new IllegalArgumentException(p + ": a folder with no HLO files (.txt, .hlo, .pb)");
        }
        out.addAll(chosen);
      } else {
        out.add(p);
      }
    }
    return out;
  }

  /** One HLO file per module of the dump folder {@code dir}. */
  static List<Path> fromDump(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).filter(HloInputs::isHlo).sorted().toList();
    }
    Map<String, Path> best = new LinkedHashMap<>();
    for (Path f : files) {
      String name = f.getFileName().toString();
      Matcher m = MODULE.matcher(name);
      String module = m.matches() ? m.group(1) : name;
      Path current = best.get(module);
      if (current == null || preference(name) > preference(current.getFileName().toString())) {
        best.put(module, f);
      }
    }
    return new ArrayList<>(best.values());
  }

  private static boolean isHlo(Path f) {
    String name = f.getFileName().toString();
    if (!(name.endsWith(".txt") || name.endsWith(".hlo") || name.endsWith(".pb"))) {
      return false;
    }
    return SIDE_FILES.stream().noneMatch(name::contains);
  }

  /** Higher is preferred: after_optimizations, then later numbered passes, then before_optimizations. */
  private static long preference(String name) {
    Matcher m = MODULE.matcher(name);
    String rest = m.matches() ? m.group(2) : name;
    if (rest.contains("after_optimizations")) {
      return Long.MAX_VALUE;
    }
    Matcher pass = PASS.matcher(rest);
    if (pass.find()) {
      return 1 + Long.parseLong(pass.group(1));
    }
    return rest.contains("before_optimizations") ? 0 : 1;
  }
}
