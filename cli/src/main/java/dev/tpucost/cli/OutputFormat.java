package dev.tpucost.cli;

/** The {@code --format} of a command's output. */
public enum OutputFormat {
  /** Aligned columns for people. */
  table,
  /** JSON for programs. */
  json
}
