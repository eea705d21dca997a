package dev.eventcontracts.cli;

import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code event-contracts} top command. It does nothing by itself; each task is a subcommand
 * class listed in {@code subcommands} below, which reads standard input through {@link #stdin()}
 * (via {@code @ParentCommand}) and writes through the picocli {@code out} and {@code err} writers,
 * so tests can run any subcommand in-process.
 */
@Command(
    name = "event-contracts",
    mixinStandardHelpOptions = true,
    versionProvider = EventContractsCommand.Version.class,
    description = "Checks events against their contracts.",
    synopsisSubcommandLabel = "COMMAND",
    // one class per subcommand, listed by --help in this order
    subcommands = {
      ValidateCommand.class,
      SimulateCommand.class,
      ReplayCommand.class,
      CompatCommand.class,
      CommandLine.HelpCommand.class
    })
public final class EventContractsCommand implements Callable<Integer> {
  private final InputStream stdin;

  @Spec private CommandSpec spec;

  /** A command that reads standard input from {@link System#in}. */
  public EventContractsCommand() {
    this(System.in);
  }

  /** A command that reads standard input from {@code stdin} (for tests and embedding). */
  public EventContractsCommand(InputStream stdin) {
    this.stdin = Objects.requireNonNull(stdin, "stdin");
  }

  /** Where subcommands read {@code -} from. */
  public InputStream stdin() {
    return stdin;
  }

  /**
   * A configured command line. Usage errors exit 2 (picocli's default); a failure no subcommand
   * expected is reported on {@code err} and exits 2 as well, instead of picocli's 1, which here
   * means "some events are not valid".
   */
  public static CommandLine commandLine(InputStream stdin, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new EventContractsCommand(stdin));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, failed, parseResult) -> {
          PrintWriter w = failed.getErr();
          w.println(failed.getCommandName() + ": internal error: " + e);
          e.printStackTrace(w);
          w.flush();
          return CliOutput.USAGE;
        });
    return cli;
  }

  /** Runs the command with the process's standard streams and exits with its code. */
  public static void main(String[] args) {
    PrintWriter out =
        new PrintWriter(
            new BufferedWriter(
                new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16));
    PrintWriter err =
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code = commandLine(System.in, out, err).execute(args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Without a subcommand there is nothing to do: shows the usage and reports a usage error. */
  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println(spec.name() + ": missing COMMAND");
    spec.commandLine().usage(err);
    err.flush();
    return CliOutput.USAGE;
  }

  /** Reports the version from the jar manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = EventContractsCommand.class.getPackage().getImplementationVersion();
      return new String[] {
        "event-contracts " + (version == null ? "(development build)" : version)
      };
    }
  }
}
