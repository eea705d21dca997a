/**
 * The registry compatibility checker: compares two contract registries per event and version, in
 * both directions (consumers on the new registry reading events written under the old one, and
 * consumers still on the old registry reading events written under the new one), and reports each
 * breaking change with its event, version, path, rule and direction.
 */
@NullMarked
package dev.eventcontracts.compat;

import org.jspecify.annotations.NullMarked;
