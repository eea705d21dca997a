/**
 * Validation results: every violation of a contract, each with a JSON pointer and a stable code,
 * plus the limits that guard the parser against oversized or deeply nested input.
 */
@NullMarked
package dev.eventcontracts.validation;

import org.jspecify.annotations.NullMarked;
