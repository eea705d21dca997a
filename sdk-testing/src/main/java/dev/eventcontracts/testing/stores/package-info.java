/**
 * Compatibility kits for store implementations: abstract JUnit 5 classes that every {@code
 * DedupStore}, {@code EntityVersionStore} and {@code TransactionalStore} extends, so each store is
 * held to the same behaviour, plus a {@link dev.eventcontracts.testing.stores.MutableClock} to move
 * time forward in tests.
 */
@NullMarked
package dev.eventcontracts.testing.stores;

import org.jspecify.annotations.NullMarked;
