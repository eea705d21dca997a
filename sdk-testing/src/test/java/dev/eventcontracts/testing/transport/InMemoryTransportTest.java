package dev.eventcontracts.testing.transport;

/** The reference transport passes the transport compatibility kit. */
class InMemoryTransportTest extends TransportContract {
  @Override
  protected TransportUnderTest transport() {
    return new InMemoryTransport();
  }
}
