package dev.tpucost.cli;

/** The tile notation, as the {@code --help} of the commands that take or print tiles explains it. */
final class TileHelp {
  /** A paragraph for picocli descriptions ({@code %n}: line breaks). */
  static final String TEXT = "Tile notation: KERNEL/OUTPUT[/INPUT[/ITERATION]], each a comma list of bounds per"
      + " physical dimension, major to minor; the two most-minor dimensions count native tiles (8 rows, 128"
      + " lanes), the others elements; any list may be empty (/ alone: the compiler's default). Example: for a"
      + " dot producing f32[1024,2048] from a weight f32[1024,2048], 8,4/2,4 takes weight blocks of 64 x 512"
      + " (8 x 4 native tiles: 64 of the contraction, 512 columns) and output blocks of 16 x 512 (2 x 4 native"
      + " tiles), so 64 x 4 = 256 output blocks cover the output. Bounds need not divide (the last step is partial). See the"
      + " README, Tile configurations.";

  private TileHelp() {}
}
