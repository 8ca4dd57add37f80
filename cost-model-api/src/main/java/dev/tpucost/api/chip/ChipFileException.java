package dev.tpucost.api.chip;

/** A chip file or chip name could not be used; the message names the file and the key. */
public final class ChipFileException extends IllegalArgumentException {
  /** An exception with the given message. */
  public ChipFileException(String message) {
    super(message);
  }

  /** An exception with the given message and cause. */
  public ChipFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
