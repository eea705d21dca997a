/**
 * A Spring Boot consumer service for seed 000's recruiting events: projections in PostgreSQL, JDBC
 * dedup and ordering stores, the SDK's Kafka consumer run by the starter.
 */
package dev.eventcontracts.examples.spring;
