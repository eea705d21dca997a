/**
 * One consumer contract test per seed registry, written with sdk-testing's kit: a small realistic
 * consumer per catalogue, its handlers run through the handler harness, and producer-side checks
 * with the event assertions. {@code docs/testing.md} quotes {@code RecruitingConsumerContractTest}.
 */
package dev.eventcontracts.examples.contracts;
