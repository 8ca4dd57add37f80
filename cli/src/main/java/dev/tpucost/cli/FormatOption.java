package dev.tpucost.cli;

import picocli.CommandLine.Option;

/** The {@code --format} option every command with output shares (picocli mixin). */
final class FormatOption {
  @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
      description = "table, or json: one JSON document (schemas in the README) (default: ${DEFAULT-VALUE}).")
  OutputFormat format;

  boolean json() {
    return format == OutputFormat.json;
  }
}
