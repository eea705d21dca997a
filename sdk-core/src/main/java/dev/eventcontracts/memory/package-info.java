/**
 * The in-memory dedup and entity-version stores. Only {@link
 * dev.eventcontracts.memory.InMemoryStores} is public; the stores and the flat key table they share
 * are package-private, so no user code can depend on how they hold their keys.
 */
@NullMarked
package dev.eventcontracts.memory;

import org.jspecify.annotations.NullMarked;
