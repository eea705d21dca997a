/** Spring Boot auto-configuration for the Event Contracts SDK. */
@NullMarked
package dev.eventcontracts.spring.boot;

import org.jspecify.annotations.NullMarked;
