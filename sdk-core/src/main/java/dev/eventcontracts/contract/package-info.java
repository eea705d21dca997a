/**
 * Event contracts (one per event name and version), the field references and templates that derive
 * idempotency keys and ordering positions, and the registry that loads contracts from code or from
 * a directory of JSON Schema 2020-12 files.
 */
@NullMarked
package dev.eventcontracts.contract;

import org.jspecify.annotations.NullMarked;
