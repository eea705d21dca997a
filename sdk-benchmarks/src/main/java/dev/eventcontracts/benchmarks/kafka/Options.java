package dev.eventcontracts.benchmarks.kafka;

import dev.eventcontracts.pipeline.EventPipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Command-line options. */
record Options(
    int messages,
    int rounds,
    Path registry,
    boolean withPostgres,
    int pgMessages,
    int t1Messages,
    List<Variant> runs,
    int warmup,
    int maxPoll,
    boolean bareCommitSync,
    boolean inProcessBroker,
    String brokerHeap,
    boolean pgStatements,
    int txBatch) {

  static Options parse(String[] args) {
    int messages = 1_000_000;
    int rounds = 3;
    Path registry = null;
    boolean withPostgres = false;
    int pgMessages = -1;
    int t1Messages = -1;
    String runs = null;
    int warmup = 200_000;
    int maxPoll = 500;
    boolean bareCommitSync = false;
    boolean inProcessBroker = false;
    String brokerHeap = "1g";
    boolean pgStatements = false;
    int txBatch = EventPipeline.DEFAULT_TRANSACTION_BATCH_SIZE;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--messages" -> messages = Integer.parseInt(value(args, ++i, arg));
        case "--rounds" -> rounds = Integer.parseInt(value(args, ++i, arg));
        case "--registry" -> registry = Path.of(value(args, ++i, arg));
        case "--with-postgres" -> withPostgres = true;
        case "--pg-messages" -> pgMessages = Integer.parseInt(value(args, ++i, arg));
        case "--t1-messages" -> t1Messages = Integer.parseInt(value(args, ++i, arg));
        case "--runs" -> runs = value(args, ++i, arg);
        case "--warmup" -> warmup = Integer.parseInt(value(args, ++i, arg));
        case "--max-poll" -> maxPoll = Integer.parseInt(value(args, ++i, arg));
        case "--bare-commit" -> {
          String mode = value(args, ++i, arg);
          if (!mode.equals("sync") && !mode.equals("async")) {
            throw new IllegalArgumentException("--bare-commit takes sync or async");
          }
          bareCommitSync = mode.equals("sync");
        }
        case "--in-process-broker" -> inProcessBroker = true;
        case "--broker-heap" -> brokerHeap = value(args, ++i, arg);
        case "--pg-statements" -> pgStatements = true;
        case "--tx-batch" -> txBatch = Integer.parseInt(value(args, ++i, arg));
        case "--help", "-h" -> {
          System.out.println(
              "options: --messages N --rounds N --registry DIR --with-postgres --pg-messages N"
                  + " --t1-messages N"
                  + " --runs a,b,b2,c --warmup N --max-poll N --bare-commit async|sync"
                  + " --in-process-broker --broker-heap SIZE --pg-statements --tx-batch N");
          System.exit(0);
        }
        default -> throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    List<Variant> selected = new ArrayList<>();
    if (runs == null) {
      selected.addAll(List.of(Variant.A, Variant.B, Variant.B2));
      if (withPostgres) {
        selected.add(Variant.C);
      }
    } else {
      for (String label : runs.split(",")) {
        selected.add(Variant.of(label));
      }
    }
    for (Variant v :
        List.of(Variant.C, Variant.C3, Variant.T, Variant.TU, Variant.T1, Variant.N, Variant.N0)) {
      if (selected.contains(v)) {
        withPostgres = true;
      }
    }
    if (pgMessages < 0) {
      pgMessages = Math.min(messages, 200_000);
    }
    pgMessages = Math.min(pgMessages, messages);
    if (t1Messages < 0) {
      // one transaction per event is the slow reference beside (t): a tenth is enough
      t1Messages = Math.max(1, pgMessages / 10);
    }
    if (messages < 1
        || rounds < 1
        || maxPoll < 1
        || pgMessages < 1
        || t1Messages < 1
        || warmup < 0
        || txBatch < 1) {
      throw new IllegalArgumentException("counts must be positive");
    }
    return new Options(
        messages,
        rounds,
        registry,
        withPostgres,
        pgMessages,
        Math.min(t1Messages, pgMessages),
        List.copyOf(new LinkedHashSet<>(selected)),
        Math.min(warmup, messages),
        maxPoll,
        bareCommitSync,
        inProcessBroker,
        brokerHeap,
        pgStatements,
        txBatch);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  int target(Variant v) {
    if (v == Variant.T1) {
      return t1Messages;
    }
    return durable(v) ? pgMessages : messages;
  }

  static boolean durable(Variant v) {
    return switch (v) {
      case C, C3, T, TU, T1, R, R3, N, N0 -> true;
      default -> false;
    };
  }

  boolean withRedis() {
    return runs.contains(Variant.R) || runs.contains(Variant.R3);
  }

  boolean withRepeats() {
    return runs.contains(Variant.N) || runs.contains(Variant.N0);
  }
}
