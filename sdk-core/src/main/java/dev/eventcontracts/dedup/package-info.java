/**
 * Idempotency: the {@link dev.eventcontracts.dedup.DedupStore} extension point with its claim,
 * in-progress, completed and released states, the in-memory store, the transactional store's
 * interface, and the {@link dev.eventcontracts.dedup.NearCache} put in front of shared stores.
 */
@NullMarked
package dev.eventcontracts.dedup;

import org.jspecify.annotations.NullMarked;
