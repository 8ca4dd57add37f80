package dev.tpucost.api.shape;

/**
 * Malformed shape or layout text. {@link #position()} is the 0-based character offset in the parsed text
 * where the problem was found; {@link #expected()} says what the parser expected there.
 */
public final class ShapeSyntaxException extends IllegalArgumentException {
  private final int position;
  private final String expected;

  /** A syntax error at {@code position} where {@code expected} was expected; {@code found} is what was there. */
  public ShapeSyntaxException(int position, String expected, String found) {
    super("at offset " + position + ": expected " + expected + ", found " + found);
    this.position = position;
    this.expected = expected;
  }

  /** 0-based character offset of the error. */
  public int position() {
    return position;
  }

  /** What the parser expected at {@link #position()}. */
  public String expected() {
    return expected;
  }
}
