/**
 * The {@code event-contracts} command line: the top command ({@link
 * dev.eventcontracts.cli.EventContractsCommand}) and one class per subcommand ({@code validate}
 * now; {@code simulate} and {@code replay} join the same list), with the exit codes and JSON-lines
 * output they share.
 */
@NullMarked
package dev.eventcontracts.cli;

import org.jspecify.annotations.NullMarked;
