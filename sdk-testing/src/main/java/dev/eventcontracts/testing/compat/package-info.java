/**
 * The registry compatibility check as an AssertJ assertion, so a contract repository can gate pull
 * requests in its own build: {@code assertThatRegistry(newDir).isCompatibleWith(oldDir)}.
 */
@NullMarked
package dev.eventcontracts.testing.compat;

import org.jspecify.annotations.NullMarked;
