package dev.eventcontracts.cli;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code validate} and {@code simulate} start with: load the registry, open the input file (or
 * standard input for {@code -}), run the command's body over them, and turn a registry or read
 * failure into a one-line error and the usage exit code.
 */
final class RegistryInput {

  /** A command's work once the registry is loaded and the input is open. */
  interface Body {
    /**
     * @param source the input's name for the output: the file name, or {@code stdin}
     * @return the exit code
     */
    int run(ContractRegistry contracts, InputStream in, String source) throws IOException;
  }

  private RegistryInput() {}

  /** Loads {@code registry}, opens {@code input} and runs {@code body}; returns the exit code. */
  static int run(CommandSpec spec, Path registry, String input, InputStream stdinStream, Body body)
      throws IOException {
    ContractRegistry contracts;
    try {
      contracts = ContractRegistry.load(registry);
    } catch (RegistryException e) {
      return CliOutput.fail(spec, "registry error: " + e.getMessage());
    }
    boolean stdin = input.equals("-");
    InputStream in;
    try {
      in = stdin ? stdinStream : Files.newInputStream(Path.of(input));
    } catch (NoSuchFileException e) {
      return CliOutput.fail(spec, "cannot read " + input + ": no such file");
    } catch (IOException | RuntimeException e) {
      return CliOutput.fail(spec, "cannot read " + input + ": " + e.getMessage());
    }
    try {
      return body.run(contracts, in, stdin ? "stdin" : input);
    } catch (IOException e) {
      return CliOutput.fail(spec, "cannot read " + input + ": " + e.getMessage());
    } finally {
      if (!stdin) {
        in.close();
      }
    }
  }
}
