/** Spring Boot auto-configuration for the Event Contracts SDK. */
package dev.eventcontracts.spring.boot;
