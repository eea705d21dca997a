package dev.eventcontracts.testing.harness;

import dev.eventcontracts.pipeline.ProcessingResult;

/**
 * One delivery of a {@link HarnessRun}: the pipeline's result, what the handler did, the state
 * around it (null when the run does not probe).
 */
record Delivery(ProcessingResult result, Recorder.Activity activity, Object before, Object after) {

  /** What the handler threw first, else the pipeline's error: the cause a problem carries. */
  Throwable firstThrown() {
    return activity.thrown().isEmpty() ? result.error() : activity.thrown().get(0);
  }
}
