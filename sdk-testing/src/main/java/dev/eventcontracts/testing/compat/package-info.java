/**
 * The registry compatibility check as an AssertJ assertion, so a contract repository can gate pull
 * requests in its own build: {@code assertThatRegistry(newDir).isCompatibleWith(oldDir)}.
 */
package dev.eventcontracts.testing.compat;
