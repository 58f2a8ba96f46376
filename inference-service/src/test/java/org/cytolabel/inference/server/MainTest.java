package org.cytolabel.inference.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void parsesFlags() {
        InferenceConfig c = Main.parse(new String[] {"--host", "127.0.0.1", "--port", "7001", "--registry",
            "dns:///registry:50051", "--metrics-port", "-1", "--cuda", "--intra-op-threads", "3"});
        assertEquals(new InferenceConfig("127.0.0.1", 7001, "dns:///registry:50051", -1, true, 3), c);
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
