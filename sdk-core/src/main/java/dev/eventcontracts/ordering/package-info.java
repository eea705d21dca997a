/**
 * Out-of-order protection: the {@link dev.eventcontracts.ordering.EntityVersionStore} extension
 * point, an atomic compare-and-set of the last applied position per entity (one at a time or a
 * batch), its in-memory implementation, and the near cache of known positions.
 */
@NullMarked
package dev.eventcontracts.ordering;

import org.jspecify.annotations.NullMarked;
