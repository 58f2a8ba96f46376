package org.cytolabel.inference.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.cytolabel.inference.batch.BatchSettings;
import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void parsesFlags() {
        InferenceConfig c = Main.parse(new String[] {"--host", "127.0.0.1", "--port", "7001", "--registry",
            "dns:///registry:50051", "--metrics-port", "-1", "--cuda", "--intra-op-threads", "3"});
        var base = new InferenceConfig("127.0.0.1", 7001, "dns:///registry:50051", -1, true, 3);
        assertEquals(base.withBatch(BatchSettings.defaults(base.computeThreads())), c);
        InferenceConfig batched = Main.parse(new String[] {"--preload", "pbmc@production, kang:3", "--max-batch", "256",
            "--batch-delay-us", "1500", "--max-queued-cells", "4096"});
        assertEquals(List.of("pbmc@production", "kang:3"), batched.preload());
        assertEquals(new BatchSettings(256, Duration.ofNanos(1_500_000), 4096, batched.computeThreads()),
                batched.batchSettings());
        assertNull(Main.parse(new String[] {"--help"}));
    }

    @Test
    void saysWhatIsWrongWithAFlag() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--port", "x"}))
                .getMessage().contains("--port must be an integer"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--registry"}))
                .getMessage().contains("--registry needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--gpu"}))
                .getMessage().contains("unknown option --gpu"));
    }
}
