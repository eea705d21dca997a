/**
 * Event versions ({@code v1}, {@code 1.0}, {@code 2.1}), the strict and compatible gating policies,
 * and upcasters that turn an older version's payload into a newer one.
 */
@NullMarked
package dev.eventcontracts.version;

import org.jspecify.annotations.NullMarked;
