package dev.eventcontracts.spring.boot;

/**
 * The {@code eventcontracts.*} configuration or the handlers declared in the application cannot
 * make a consumer; the message names the property or the handler and what to change.
 */
public class EventContractsConfigurationException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** A problem described by {@code message}. */
  public EventContractsConfigurationException(String message) {
    super(message);
  }

  /** A problem described by {@code message}, caused by {@code cause}. */
  public EventContractsConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
