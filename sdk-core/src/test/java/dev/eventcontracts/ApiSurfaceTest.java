package dev.eventcontracts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.dedup.DedupStore;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's code compiled against the built classes of sdk-core cannot reach the implementation
 * types (they are package-private), nor construct the values that only the SDK makes, while the
 * public API it should use compiles. See docs/api-guarantees.md.
 */
class ApiSurfaceTest {
  /** Implementation types, each package-private: a user class naming one must not compile. */
  private static final List<String> IMPLEMENTATION_TYPES =
      List.of(
          "dev.eventcontracts.memory.KeyTable",
          "dev.eventcontracts.memory.InMemoryDedupStore",
          "dev.eventcontracts.memory.InMemoryEntityVersionStore",
          "dev.eventcontracts.dedup.CachingDedupStore",
          "dev.eventcontracts.dedup.CachingEntityVersionStore",
          "dev.eventcontracts.pipeline.MessagePreparation",
          "dev.eventcontracts.pipeline.PreparedMessage",
          "dev.eventcontracts.pipeline.StoreProtocol",
          "dev.eventcontracts.pipeline.Results",
          "dev.eventcontracts.pipeline.DeadLettering",
          "dev.eventcontracts.pipeline.HandlerInvocation",
          "dev.eventcontracts.pipeline.TransactionalProtocol",
          "dev.eventcontracts.pipeline.UnfinishedBookkeeping",
          "dev.eventcontracts.pipeline.PayloadTypeCheck",
          "dev.eventcontracts.pipeline.LogSafe",
          "dev.eventcontracts.pipeline.BindingFailureLog",
          "dev.eventcontracts.envelope.Utf8Check",
          "dev.eventcontracts.envelope.ParseProblems",
          "dev.eventcontracts.envelope.TextFormats",
          "dev.eventcontracts.contract.FastPath",
          "dev.eventcontracts.contract.FastFormats",
          "dev.eventcontracts.contract.FastPatterns",
          "dev.eventcontracts.contract.RegistryLoader",
          "dev.eventcontracts.compat.SchemaSubset",
          "dev.eventcontracts.validation.OrderingCheck",
          "dev.eventcontracts.resilience.Guard",
          "dev.eventcontracts.resilience.ResilientDedupStore",
          "dev.eventcontracts.resilience.ResilientEntityVersionStore",
          "dev.eventcontracts.resilience.ResilientTransactionalStore",
          "dev.eventcontracts.resilience.ResilientDeadLetterSink");

  @Test
  void userCodeCannotNameAnImplementationType() {
    StringBuilder source = new StringBuilder("package com.example;\nclass UsesInternals {\n");
    for (int i = 0; i < IMPLEMENTATION_TYPES.size(); i++) {
      source.append("  Object o").append(i).append(" = ");
      source.append(IMPLEMENTATION_TYPES.get(i)).append(".class;\n");
    }
    source.append("}\n");

    List<Diagnostic<? extends JavaFileObject>> errors = compile("UsesInternals", source);

    // one "is not public ... cannot be accessed from outside package" per type, on its own line
    Map<Long, String> errorByLine = new TreeMap<>();
    for (Diagnostic<? extends JavaFileObject> d : errors) {
      errorByLine.put(d.getLineNumber(), d.getCode() + ": " + d.getMessage(Locale.ROOT));
    }
    assertThat(errorByLine).hasSize(IMPLEMENTATION_TYPES.size());
    for (int i = 0; i < IMPLEMENTATION_TYPES.size(); i++) {
      String type = IMPLEMENTATION_TYPES.get(i);
      String simpleName = type.substring(type.lastIndexOf('.') + 1);
      assertThat(errorByLine.get((long) i + 3))
          .as(type)
          .startsWith("compiler.err.not.def.public.cant.access")
          .contains(simpleName + " is not public in " + type.substring(0, type.lastIndexOf('.')));
    }
  }

  @Test
  void userCodeCannotConstructAProcessingResult() {
    StringBuilder source =
        new StringBuilder(
            """
            package com.example;
            class MakesResults {
              Object r = new dev.eventcontracts.pipeline.ProcessingResult(
                  null, null, null, null, null, false, null, null, null, null, null, null);
            }
            """);

    List<Diagnostic<? extends JavaFileObject>> errors = compile("MakesResults", source);

    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).getMessage(Locale.ROOT))
        .contains("is not public in dev.eventcontracts.pipeline.ProcessingResult");
  }

  @Test
  void userCodeCompilesAgainstThePublicApi() {
    StringBuilder source =
        new StringBuilder(
            """
            package com.example;

            import dev.eventcontracts.dedup.DedupStore;
            import dev.eventcontracts.dlq.DeadLetter;
            import dev.eventcontracts.envelope.InboundMessage;
            import dev.eventcontracts.envelope.Origin;
            import dev.eventcontracts.memory.InMemoryStores;
            import dev.eventcontracts.ordering.EntityVersionStore;
            import dev.eventcontracts.pipeline.HandlerBinding;
            import dev.eventcontracts.pipeline.Outcome;
            import java.time.Clock;
            import java.time.Instant;

            class UsesTheApi {
              DedupStore dedup = DedupStore.inMemory(1_000, Clock.systemUTC());
              DedupStore same = InMemoryStores.dedupStore(1_000, Clock.systemUTC());
              EntityVersionStore versions = EntityVersionStore.inMemory();
              Origin origin = Origin.builder("custom", "queue-a").offset(7).build();
              DeadLetter letter =
                  DeadLetter.builder(
                          InboundMessage.builder(new byte[0]).origin(origin).build(),
                          Outcome.FAILED,
                          Instant.EPOCH)
                      .attempts(3)
                      .build();
              HandlerBinding<?> binding =
                  HandlerBinding.ofJson("a.b", (payload, context) -> context.entity())
                      .versions("v1", "v2");
            }
            """);

    assertThat(compile("UsesTheApi", source)).isEmpty();
  }

  /** Compiles one class against sdk-core's built classes; returns its errors. */
  private static List<Diagnostic<? extends JavaFileObject>> compile(
      String className, CharSequence source) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    JavaFileObject file =
        new SimpleJavaFileObject(
            URI.create("string:///com/example/" + className + ".java"),
            JavaFileObject.Kind.SOURCE) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return source;
          }
        };
    String classpath =
        classesOf(DedupStore.class) + File.pathSeparator + System.getProperty("java.class.path");
    List<String> options = List.of("-proc:none", "-classpath", classpath, "-d", outputDirectory());
    boolean ok = javac.getTask(null, null, diagnostics, options, null, List.of(file)).call();
    List<Diagnostic<? extends JavaFileObject>> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        errors.add(d);
      }
    }
    assertThat(ok).isEqualTo(errors.isEmpty());
    return errors;
  }

  /** Where sdk-core's main classes were built (target/classes, or the jar). */
  private static String classesOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Where the compiled snippets go; JUnit deletes it after the class (it was left in /tmp). */
  @TempDir static Path output;

  private static String outputDirectory() {
    return output.toString();
  }
}
