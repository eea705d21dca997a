/**
 * The JUnit 5 extension for contract tests: {@link dev.eventcontracts.testing.junit.ContractTest}
 * loads a registry once per test class and injects it into constructors, lifecycle and test
 * methods.
 */
@NullMarked
package dev.eventcontracts.testing.junit;

import org.jspecify.annotations.NullMarked;
