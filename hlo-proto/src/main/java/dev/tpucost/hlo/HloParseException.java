package dev.tpucost.hlo;

/**
 * HLO input that cannot be read: malformed text, a corrupt or truncated protobuf, an unknown opcode or
 * element type, a module that is not well formed. The message names the source (file), and the line and
 * column (text) or the field path (protobuf), and says what was expected.
 */
public final class HloParseException extends RuntimeException {
  private final String source;
  private final int line;
  private final int column;

  /** An error at {@code line}:{@code column} (1-based; 0 when not applicable) of {@code source}. */
  public HloParseException(String source, int line, int column, String message) {
    super(format(source, line, column, message));
    this.source = source;
    this.line = line;
    this.column = column;
  }

  /** An error at {@code line}:{@code column} of {@code source}, caused by {@code cause}. */
  public HloParseException(String source, int line, int column, String message, Throwable cause) {
    super(format(source, line, column, message), cause);
    this.source = source;
    this.line = line;
    this.column = column;
  }

  private static String format(String source, int line, int column, String message) {
    if (line > 0) {
      return source + ":" + line + ":" + column + ": " + message;
    }
    return source + ": " + message;
  }

  /** The file (or other source) that failed to load. */
  public String source() {
    return source;
  }

  /** 1-based line of a text error; 0 for binary input. */
  public int line() {
    return line;
  }

  /** 1-based column of a text error; 0 for binary input. */
  public int column() {
    return column;
  }
}
