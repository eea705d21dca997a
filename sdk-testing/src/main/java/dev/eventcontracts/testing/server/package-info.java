/**
 * Real servers for integration tests, the demo and benchmarks, all bound to loopback: an in-JVM
 * Kafka broker, an embedded PostgreSQL, Redis and MariaDB launched from their Debian packages, a
 * Pub/Sub server built from Google's pstest, plus the policy that skips (locally) or fails (in CI)
 * when a server is not installed.
 */
@NullMarked
package dev.eventcontracts.testing.server;

import org.jspecify.annotations.NullMarked;
