package dev.eventcontracts.spring.boot;

import com.google.api.gax.core.CredentialsProvider;
import com.google.pubsub.v1.ProjectSubscriptionName;
import dev.eventcontracts.pubsub.PubSubDeadLetterSink;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.env.Environment;

/** Pub/Sub client settings from {@code eventcontracts.pubsub.*}; loaded only with sdk-pubsub. */
final class PubSubSettings {
  static final String SPRING_PROJECT = "spring.cloud.gcp.project-id";
  static final String SPRING_EMULATOR = "spring.cloud.gcp.pubsub.emulator-host";

  private PubSubSettings() {}

  /**
   * {@code eventcontracts.pubsub.project-id}, else Spring Cloud GCP's setting, else the project of
   * a subscription given by its full name; {@code null} when none says.
   */
  static String projectId(EventContractsProperties properties, Environment environment) {
    String project = properties.getPubsub().getProjectId();
    if (blank(project)) {
      project = environment.getProperty(SPRING_PROJECT);
    }
    if (blank(project)) {
      String subscription = properties.getPubsub().getSubscription();
      if (!blank(subscription) && ProjectSubscriptionName.isParsableFrom(subscription.trim())) {
        project = ProjectSubscriptionName.parse(subscription.trim()).getProject();
      }
    }
    return blank(project) ? null : project.trim();
  }

  /** The project, or a configuration error naming what needs it. */
  static String requireProjectId(
      EventContractsProperties properties, Environment environment, String neededBy) {
    String project = projectId(properties, environment);
    if (project == null) {
      throw new EventContractsConfigurationException(
          neededBy
              + " needs eventcontracts.pubsub.project-id or "
              + SPRING_PROJECT
              + " (or the subscription's full name, projects/<project>/subscriptions/<id>)");
    }
    return project;
  }

  /**
   * The subscription's full name: {@code eventcontracts.pubsub.subscription} as it is when it is a
   * full name, else the id in the project.
   */
  static String subscription(EventContractsProperties properties, Environment environment) {
    String subscription = properties.getPubsub().getSubscription().trim();
    if (subscription.startsWith("projects/")) {
      if (!ProjectSubscriptionName.isParsableFrom(subscription)) {
        throw new EventContractsConfigurationException(
            "eventcontracts.pubsub.subscription="
                + subscription
                + " is not a subscription name: use its id or"
                + " projects/<project>/subscriptions/<id>");
      }
      return subscription;
    }
    if (subscription.contains("/")) {
      throw new EventContractsConfigurationException(
          "eventcontracts.pubsub.subscription="
              + subscription
              + " is not a subscription name: use its id or"
              + " projects/<project>/subscriptions/<id>");
    }
    String project =
        requireProjectId(properties, environment, "eventcontracts.pubsub.subscription");
    return ProjectSubscriptionName.format(project, subscription);
  }

  /**
   * {@code eventcontracts.pubsub.emulator-host}, else Spring Cloud GCP's; {@code null} for none.
   */
  static String emulatorHost(EventContractsProperties properties, Environment environment) {
    String host = properties.getPubsub().getEmulatorHost();
    if (blank(host)) {
      host = environment.getProperty(SPRING_EMULATOR);
    }
    return blank(host) ? null : host.trim();
  }

  /**
   * The Pub/Sub sink: on the emulator when one is configured, else with the application's {@link
   * CredentialsProvider} bean when there is exactly one (Spring Cloud GCP makes one), else with
   * application default credentials.
   */
  static PubSubDeadLetterSink deadLetterSink(
      EventContractsProperties properties, Environment environment, ListableBeanFactory beans) {
    EventContractsProperties.DeadLetter settings = properties.getDeadLetter();
    String project =
        requireProjectId(properties, environment, DeadLetterSinks.PROPERTY + "=pubsub");
    PubSubDeadLetterSink.Builder builder = PubSubDeadLetterSink.builder(project);
    try {
      builder.publishTimeout(settings.getSendTimeout());
    } catch (IllegalArgumentException e) {
      throw new EventContractsConfigurationException(
          "eventcontracts.dead-letter.send-timeout: " + e.getMessage(), e);
    }
    String topic = settings.getTopic();
    if (!blank(topic)) {
      builder.topic(topic.trim());
    }
    String host = emulatorHost(properties, environment);
    if (host != null) {
      builder.emulatorHost(host);
    } else {
      beans.getBeanProvider(CredentialsProvider.class).ifUnique(builder::credentialsProvider);
    }
    return builder.build();
  }

  static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
