package dev.eventcontracts.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.validation.EventValidator;
import dev.eventcontracts.validation.ValidationReport;
import dev.eventcontracts.validation.ValidationStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecruitingEventsTest {

  @Test
  void sameSeedSameBytes() {
    List<byte[]> first = RecruitingEvents.generate(200, RecruitingEvents.SEED);
    List<byte[]> second = RecruitingEvents.generate(200, RecruitingEvents.SEED);
    for (int i = 0; i < first.size(); i++) {
      assertArrayEquals(first.get(i), second.get(i));
    }
  }

  @Test
  void everyEventIsValidAgainstTheRecruitingRegistry() {
    EventValidator validator = EventValidator.of(Registries.recruiting());
    List<byte[]> events =
        RecruitingEvents.generate(ContractsBenchmark.EVENTS, RecruitingEvents.SEED);
    long bytes = 0;
    int profileUpdated = 0;
    java.util.Set<String> names = new java.util.HashSet<>();
    for (byte[] event : events) {
      ValidationReport report = validator.validate(InboundMessage.of(event));
      assertEquals(ValidationStatus.VALID, report.status(), () -> report.violations().toString());
      bytes += event.length;
      names.add(report.envelope().eventName());
      if (report.envelope().eventName().equals("profile.updated")) {
        profileUpdated++;
      }
    }
    assertEquals(13, names.size(), "all of E-01..E-13 appear");
    double share = profileUpdated / (double) events.size();
    assertTrue(share > 0.65 && share < 0.75, "profile.updated share " + share);
    long mean = bytes / events.size();
    assertTrue(mean > 350 && mean < 480, "mean size " + mean);
  }
}
