/**
 * Real servers for integration tests, the demo and benchmarks, all bound to loopback: an in-JVM
 * Kafka broker, an embedded PostgreSQL, and Redis and MariaDB launched from their Debian packages,
 * plus the policy that skips (locally) or fails (in CI) when a server is not installed.
 */
package dev.eventcontracts.testing.server;
