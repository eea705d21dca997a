package dev.eventcontracts.contract;

import org.jspecify.annotations.Nullable;

/** A registry could not be loaded; the message names the file and the problem. */
public final class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;

  /** Creates an exception for a problem in {@code file}. */
  public RegistryException(String file, @Nullable String problem) {
    super(file + ": " + problem);
    this.file = file;
  }

  /** Creates an exception for a problem in {@code file}, with its cause. */
  public RegistryException(String file, @Nullable String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  /** The file that holds the problem. */
  public String file() {
    return file;
  }
}
