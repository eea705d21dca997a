package dev.eventcontracts.pubsub;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.concurrent.TimeUnit;

/**
 * How a client reaches Pub/Sub: the client's defaults (the real service, application default
 * credentials), or a plaintext channel without credentials to an emulator or test server, which the
 * Java client does not find through {@code PUBSUB_EMULATOR_HOST} by itself.
 */
final class Connection implements AutoCloseable {
  private final TransportChannelProvider channels;
  private final CredentialsProvider credentials;
  private final ManagedChannel owned;

  private Connection(
      TransportChannelProvider channels, CredentialsProvider credentials, ManagedChannel owned) {
    this.channels = channels;
    this.credentials = credentials;
    this.owned = owned;
  }

  /** A plaintext channel to {@code host:port}, closed with this connection. */
  static Connection emulator(String target) {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    return new Connection(
        FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)),
        NoCredentialsProvider.create(),
        channel);
  }

  /** What the caller configured; either may be {@code null} for the client's default. */
  static Connection of(TransportChannelProvider channels, CredentialsProvider credentials) {
    return new Connection(channels, credentials, null);
  }

  /** The channel provider, or {@code null} for the client's default. */
  TransportChannelProvider channels() {
    return channels;
  }

  /** The credentials provider, or {@code null} for the client's default. */
  CredentialsProvider credentials() {
    return credentials;
  }

  @Override
  public void close() {
    if (owned != null) {
      owned.shutdown();
      try {
        if (!owned.awaitTermination(5, TimeUnit.SECONDS)) {
          owned.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        owned.shutdownNow();
      }
    }
  }
}
