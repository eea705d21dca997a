/** The demo: a real KRaft broker in this JVM, a seed-000 event stream, and the SDK consuming it. */
package dev.eventcontracts.examples;
