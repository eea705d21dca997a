package dev.eventcontracts.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A Lua script run by its SHA-1 ({@code EVALSHA}); when the server answers {@code NOSCRIPT} (it
 * restarted, failed over, or someone ran {@code SCRIPT FLUSH}) the script is sent whole with {@code
 * EVAL}, which also puts it back in the server's script cache.
 */
final class LuaScript {
  private final String name;
  private final String source;
  private final String sha;
  private final ScriptOutputType outputType;

  LuaScript(String name, String source, ScriptOutputType outputType) {
    this.name = Objects.requireNonNull(name, "name");
    this.source = Objects.requireNonNull(source, "source");
    this.outputType = Objects.requireNonNull(outputType, "outputType");
    this.sha = sha1Hex(source);
  }

  String name() {
    return name;
  }

  String source() {
    return source;
  }

  String sha() {
    return sha;
  }

  /** Runs the script without blocking; the future fails with the server's error, unwrapped. */
  <T> CompletableFuture<T> run(
      RedisAsyncCommands<String, String> commands, String[] keys, String... args) {
    CompletableFuture<T> bySha =
        commands.<T>evalsha(sha, outputType, keys, args).toCompletableFuture();
    return bySha.exceptionallyCompose(
        failure -> {
          Throwable cause = unwrap(failure);
          if (isNoScript(cause)) {
            return commands.<T>eval(source, outputType, keys, args).toCompletableFuture();
          }
          return CompletableFuture.failedFuture(cause);
        });
  }

  /** Loads the script into the server's cache and checks that the server computed the same SHA. */
  CompletableFuture<Void> load(RedisAsyncCommands<String, String> commands) {
    return commands
        .scriptLoad(source)
        .toCompletableFuture()
        .thenAccept(
            loaded -> {
              if (!sha.equalsIgnoreCase(loaded)) {
                throw new IllegalStateException(
                    "Redis returned SHA "
                        + loaded
                        + " for the "
                        + name
                        + " script, expected "
                        + sha);
              }
            });
  }

  static boolean isNoScript(Throwable failure) {
    return failure instanceof RedisNoScriptException
        || (failure != null
            && failure.getMessage() != null
            && failure.getMessage().startsWith("NOSCRIPT"));
  }

  static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static String sha1Hex(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-1", e);
    }
  }
}
