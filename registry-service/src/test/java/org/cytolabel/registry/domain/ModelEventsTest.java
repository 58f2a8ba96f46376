package org.cytolabel.registry.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.registry.domain.RegistryEvent.Kind;
import org.junit.jupiter.api.Test;

class ModelEventsTest {

    /** Collects events; optionally blocks every delivery until released. */
    static final class Collector implements ModelEvents.Listener {
        final BlockingQueue<RegistryEvent> events = new LinkedBlockingQueue<>();
        final BlockingQueue<CytoLabelException> errors = new LinkedBlockingQueue<>();
        final CountDownLatch release;

        Collector(boolean blocked) {
            release = new CountDownLatch(blocked ? 1 : 0);
        }

        @Override
        public void onEvent(RegistryEvent event) throws InterruptedException {
            release.await();
            events.add(event);
        }

        @Override
        public void onError(CytoLabelException error) {
            errors.add(error);
        }

        List<RegistryEvent> take(int n) throws InterruptedException {
            List<RegistryEvent> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                RegistryEvent e = events.poll(5, TimeUnit.SECONDS);
                assertNotNull(e, "event " + i + " of " + n + " did not arrive");
                out.add(e);
            }
            return out;
        }
    }

    @Test
    void subscribersGetInitialThenLiveEventsInSequenceOrder() throws InterruptedException {
        try (ModelEvents bus = new ModelEvents(16)) {
            Collector all = new Collector(false);
            Collector onlyB = new Collector(false);
            RegistryEvent initial = new RegistryEvent(Kind.SYNCED, "", 0, "", 0, 0, java.time.Instant.EPOCH);
            bus.subscribe("", List.of(initial), all);
            bus.subscribe("b", List.of(), onlyB);
            bus.publish(Kind.PUBLISHED, "a", 1, "", 0);
            bus.publish(Kind.PUBLISHED, "b", 1, "", 0);
            bus.publish(Kind.ALIAS_MOVED, "b", 1, "prod", 0);
            List<RegistryEvent> got = all.take(4);
            assertEquals(Kind.SYNCED, got.get(0).kind());
            assertEquals(List.of(1L, 2L, 3L), got.subList(1, 4).stream().map(RegistryEvent::sequence).toList());
            List<RegistryEvent> b = onlyB.take(2);
            assertEquals(List.of(Kind.PUBLISHED, Kind.ALIAS_MOVED), b.stream().map(RegistryEvent::kind).toList());
            assertEquals("prod", b.get(1).alias());
            assertEquals(3, bus.sequence());
        }
    }

    @Test
    void aSlowSubscriberIsDroppedWithoutBlockingPublishers() throws InterruptedException {
        try (ModelEvents bus = new ModelEvents(4)) {
            Collector slow = new Collector(true);
            Collector fast = new Collector(false);
            ModelEvents.Subscription s = bus.subscribe("", List.of(), slow);
            bus.subscribe("", List.of(), fast);
            for (int i = 1; i <= 20; i++) {
                bus.publish(Kind.PUBLISHED, "m", i, "", 0); // returns at once although `slow` never reads
                assertEquals(i, fast.take(1).get(0).version());
            }
            CytoLabelException error = slow.errors.poll(5, TimeUnit.SECONDS);
            assertNotNull(error, "the subscriber is told why it was dropped");
            assertEquals(ErrorKind.RESOURCE_EXHAUSTED, error.kind());
            assertTrue(error.getMessage().contains("watch again"), error.getMessage());
            assertFalse(s.isActive());
            assertEquals(1, bus.subscriberCount());
        }
    }

    @Test
    void closingTheBusEndsSubscriptionsWithUnavailable() throws InterruptedException {
        ModelEvents bus = new ModelEvents(4);
        Collector c = new Collector(false);
        bus.subscribe("", List.of(), c);
        bus.close();
        CytoLabelException error = c.errors.poll(5, TimeUnit.SECONDS);
        assertNotNull(error, "the subscriber is told why it was dropped");
        assertEquals(ErrorKind.UNAVAILABLE, error.kind());
    }
}
