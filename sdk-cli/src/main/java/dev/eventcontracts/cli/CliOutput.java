package dev.eventcontracts.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.eventcontracts.validation.Violation;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What every subcommand shares: the exit codes, one compact JSON object per output line, and how a
 * problem that stops a command is reported.
 */
final class CliOutput implements Flushable, Closeable {
  /** Every event was valid (or, for other subcommands, the work succeeded). */
  static final int OK = 0;

  /** At least one event was not valid. */
  static final int NOT_VALID = 1;

  /** The command could not run: a usage error, a broken registry, an unreadable input. */
  static final int USAGE = 2;

  private static final JsonFactory JSON =
      new JsonFactoryBuilder()
          .rootValueSeparator((String) null)
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
          .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
          .build();

  private final Writer target;
  private final JsonGenerator json;

  private CliOutput(Writer target) {
    this.target = target;
    try {
      this.json = JSON.createGenerator(target);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** JSON lines written to {@code target} (normally the command's {@code out}). */
  static CliOutput jsonLines(Writer target) {
    return new CliOutput(target);
  }

  /** The generator for the current line; finish the line with {@link #endLine()}. */
  JsonGenerator json() {
    return json;
  }

  /** Ends the current line; the object written since the last line must be complete. */
  void endLine() throws IOException {
    json.flush();
    target.write('\n');
  }

  /** Writes {@code "errors": [{"path", "code", "message"}, ...]} into the current object. */
  void writeViolations(String field, List<Violation> violations) throws IOException {
    json.writeArrayFieldStart(field);
    for (Violation v : violations) {
      json.writeStartObject();
      json.writeStringField("path", v.path());
      json.writeStringField("code", v.code());
      json.writeStringField("message", v.message());
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  /** Pushes written lines out to the writer's destination. */
  @Override
  public void flush() throws IOException {
    json.flush();
    target.flush();
  }

  /** Flushes; the target writer stays open (it belongs to the command line). */
  @Override
  public void close() throws IOException {
    json.close();
    target.flush();
  }

  /** Reports a problem that stops the command on {@code err}, and returns {@link #USAGE}. */
  static int fail(CommandSpec spec, String problem) {
    var err = spec.commandLine().getErr();
    err.println(spec.qualifiedName() + ": " + problem);
    err.flush();
    return USAGE;
  }
}
