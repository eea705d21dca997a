/**
 * Out-of-order protection: the {@link dev.eventcontracts.ordering.EntityVersionStore} extension
 * point, an atomic compare-and-set of the last applied position per entity, and its in-memory
 * implementation.
 */
package dev.eventcontracts.ordering;
