package dev.tpucost.api.model;

/** Where the tile a kernel was costed at came from. */
public enum TileSource {
  /** The compiler's own choice, read from the {@code window_config} of an XLA:TPU dump. */
  COMPILER,
  /** tpucost's default ({@link dev.tpucost.api.tile.TileSpace#defaultConfig()}). */
  DEFAULT,
  /** Given by the caller. */
  GIVEN;

  /** Lower-case name, as the command line and JSON print it. */
  public String text() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
