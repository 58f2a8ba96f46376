package org.cytolabel.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.inference.testing.LinearSoftmaxOnnx;
import org.junit.jupiter.api.Test;

class SessionCacheTest {
    private static final byte[] MODEL = LinearSoftmaxOnnx.build(new float[] {1, 0, 0, 1}, new float[] {0, 0}, 2);

    private static Supplier<byte[]> counting(AtomicInteger loads) {
        return () -> {
            loads.incrementAndGet();
            return MODEL;
        };
    }

    @Test
    void sharesOneSessionPerHashAndClosesItWhenRetiredAndReleased() {
        AtomicInteger loads = new AtomicInteger();
        try (SessionCache cache = new SessionCache(new ExecutionProviders(false, 1), 4)) {
            SessionCache.Lease a = cache.acquire("aa", "m:1", counting(loads));
            SessionCache.Lease b = cache.acquire("aa", "m:1", counting(loads));
            assertSame(a.model(), b.model());
            assertEquals(1, loads.get());
            assertEquals(1, cache.openSessions());
            assertEquals(2, cache.leases());

            a.close();
            a.close(); // idempotent
            cache.retire("aa");
            assertEquals(1, cache.openSessions(), "still leased by b");
            b.close();
            assertEquals(0, cache.openSessions());
            assertEquals(0, cache.leases());

            cache.acquire("aa", "m:1", counting(loads)).close();
            assertEquals(2, loads.get(), "a retired session is loaded again");
            assertEquals(1, cache.openSessions(), "current sessions stay open while idle");
        }
    }

    @Test
    void keepsAtMostMaxResidentIdleSessions() {
        AtomicInteger loads = new AtomicInteger();
        try (SessionCache cache = new SessionCache(new ExecutionProviders(false, 1), 2)) {
            SessionCache.Lease held = cache.acquire("a", "a:1", counting(loads));
            cache.acquire("b", "b:1", counting(loads)).close();
            cache.acquire("c", "c:1", counting(loads)).close();
            // "a" is the least recently acquired and is retired, but it is leased: it stays open.
            assertEquals(3, cache.openSessions());
            held.close();
            assertEquals(2, cache.openSessions());
            cache.acquire("b", "b:1", counting(loads)).close();
            assertEquals(3, loads.get(), "b was still resident");
        }
    }

    @Test
    void aFailedLoadLeavesNothingBehind() {
        try (SessionCache cache = new SessionCache(new ExecutionProviders(false, 1), 2)) {
            assertThrows(CytoLabelException.class, () -> cache.acquire("x", "x:1", () -> new byte[] {0}));
            assertEquals(0, cache.openSessions());
            assertEquals(0, cache.leases());
        }
    }
}
